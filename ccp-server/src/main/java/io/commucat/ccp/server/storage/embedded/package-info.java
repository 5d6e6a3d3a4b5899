/** In-process adapters of the storage ports, for a single node without Redis. */
package io.commucat.ccp.server.storage.embedded;
