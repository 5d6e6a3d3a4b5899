package io.commucat.ccp.server.storage;

/** A device acknowledged one of its envelopes (ccp-1.md §4.2): the envelope may go. */
public record Acknowledgement(String recipient, long envelopeId) {
}
