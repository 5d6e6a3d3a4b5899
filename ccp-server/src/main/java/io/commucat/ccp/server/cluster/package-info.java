/**
 * Several nodes as one service (architecture.md, "Scale-out"): frames for a device connected to
 * another node, and the replacement of a device's session on another node, travel over the
 * {@link io.commucat.ccp.server.storage.Bus} to the node its presence route names; a device's
 * revocation is broadcast to every node ({@link io.commucat.ccp.server.cluster.SessionRevoker}).
 */
package io.commucat.ccp.server.cluster;
