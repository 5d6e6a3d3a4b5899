// Noise CipherState (Noise spec §5.1) over ChaCha20-Poly1305 from @noble/ciphers. Fails closed:
// a failed decryption or an exhausted nonce throws NoiseError, and the caller ends the session.

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { NoiseError } from './noise-error.js';

/** Noise's 64-bit nonce, kept below 2^53 here: a session never gets near either bound. */
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

function nonceBytes(n) {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(4, BigInt(n), true);
  return nonce;
}

export class CipherState {
  #key = null;
  #nonce = 0;

  constructor(key = null) {
    this.#key = key;
  }

  hasKey() {
    return this.#key !== null;
  }

  encryptWithAd(ad, plaintext) {
    if (this.#key === null) return plaintext;
    if (this.#nonce >= MAX_NONCE) throw new NoiseError('nonce_exhausted');
    const out = chacha20poly1305(this.#key, nonceBytes(this.#nonce), ad).encrypt(plaintext);
    this.#nonce++;
    return out;
  }

  decryptWithAd(ad, ciphertext) {
    if (this.#key === null) return ciphertext;
    if (this.#nonce >= MAX_NONCE) throw new NoiseError('nonce_exhausted');
    let out;
    try {
      out = chacha20poly1305(this.#key, nonceBytes(this.#nonce), ad).decrypt(ciphertext);
    } catch {
      throw new NoiseError('decrypt');
    }
    this.#nonce++;
    return out;
  }
}
