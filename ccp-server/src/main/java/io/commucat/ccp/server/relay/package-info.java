/**
 * Channels and relay of an established session (ccp-1.md §4.2–4.4): Join and Leave on durable
 * membership, frames relayed to the other active members, durable frames queued in the inbox
 * before the sender's Ack, and the per-session delivery window that hands queued envelopes out
 * until the device acknowledges them.
 */
package io.commucat.ccp.server.relay;
