/** The CCP server (issue #10); starts empty so the reactor builds. */
package io.commucat.ccp.server;
