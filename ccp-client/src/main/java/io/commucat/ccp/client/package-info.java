/** The CCP device SDK; starts empty so the reactor builds. */
package io.commucat.ccp.client;
