// The device's Ed25519 key (ccp-1.md §3.5): sk = BLAKE3(seed), A its public key, a its secret
// scalar. Keys are made on the device; the secret never leaves it.

import { ed25519 } from '@noble/curves/ed25519.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { randomBytes } from '@noble/hashes/utils.js';

export class DeviceKey {
  #secretKey;

  /** @param {Uint8Array} secretKey a 32-byte Ed25519 secret key */
  constructor(secretKey) {
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new TypeError('device key: 32 bytes');
    this.#secretKey = secretKey.slice();
    this.publicKey = ed25519.getPublicKey(this.#secretKey);
    Object.freeze(this);
  }

  /** The key of a seed of at least 32 bytes: sk = BLAKE3(seed). */
  static fromSeed(seed) {
    if (seed.length < 32) throw new TypeError('device key: seed of at least 32 bytes');
    return new DeviceKey(blake3(seed));
  }

  /** A new key from 32 random bytes of seed. */
  static generate() {
    return DeviceKey.fromSeed(randomBytes(32));
  }

  /** The Ed25519 secret key (for an identity store). */
  secretKey() {
    return this.#secretKey.slice();
  }

  /** The secret scalar a (the clamped lower half of SHA-512(sk), reduced mod ℓ). */
  secretScalar() {
    return ed25519.utils.getExtendedPublicKey(this.#secretKey).scalar;
  }

  sign(message) {
    return ed25519.sign(message, this.#secretKey);
  }
}

/** Whether `signature` is `publicKey`'s Ed25519 signature over `message`. */
export function verifySignature(publicKey, message, signature) {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
