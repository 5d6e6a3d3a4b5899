/**
 * The CCP-1 handshake proof (spec §3.5): a Schnorr proof over Edwards25519 with a BLAKE3 challenge
 * that the device holds the secret key of {@code device_public}, bound to the server domain, the
 * device id and the Noise static key. {@link io.commucat.ccp.crypto.proof.HandshakeProver} makes
 * proofs, {@link io.commucat.ccp.crypto.proof.HandshakeVerifier} checks them with the hardening
 * of the spec (no small-order or non-canonically encoded points), reporting failures as
 * {@link io.commucat.ccp.crypto.proof.ProofException} with a kind.
 */
package io.commucat.ccp.crypto.proof;
