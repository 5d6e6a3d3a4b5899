/** Redis adapters of the storage ports, shared by every node of a cluster. */
package io.commucat.ccp.server.storage.redis;
