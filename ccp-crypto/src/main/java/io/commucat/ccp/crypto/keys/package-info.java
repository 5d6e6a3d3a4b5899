/**
 * Ed25519 key pairs of CCP-1 (spec §3.5): {@link io.commucat.ccp.crypto.keys.DeviceKeyPair} for a
 * device and {@link io.commucat.ccp.crypto.keys.DeviceCaKeyPair} for the device CA, both derived
 * as {@code sk = BLAKE3(seed)}. Secrets never appear in {@code toString()}.
 */
package io.commucat.ccp.crypto.keys;
