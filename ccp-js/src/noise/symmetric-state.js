// Noise SymmetricState (Noise spec §5.2) with BLAKE2s; HKDF is @noble/hashes' HKDF over
// HMAC-BLAKE2s, which with an empty info is exactly Noise's HKDF (outputs T1, T2).

import { blake2s } from '@noble/hashes/blake2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { concat, utf8 } from '../bytes.js';
import { CipherState } from './cipher-state.js';

const HASHLEN = 32;
const EMPTY = new Uint8Array(0);

function noiseHkdf(chainingKey, ikm) {
  const out = hkdf(blake2s, ikm, chainingKey, EMPTY, 2 * HASHLEN);
  return [out.slice(0, HASHLEN), out.slice(HASHLEN)];
}

export class SymmetricState {
  #ck;
  #h;
  #cipher = new CipherState();

  constructor(protocolName) {
    const name = utf8(protocolName);
    if (name.length <= HASHLEN) {
      this.#h = new Uint8Array(HASHLEN);
      this.#h.set(name);
    } else {
      this.#h = blake2s(name);
    }
    this.#ck = this.#h;
  }

  get handshakeHash() {
    return this.#h;
  }

  hasKey() {
    return this.#cipher.hasKey();
  }

  mixKey(ikm) {
    const [ck, key] = noiseHkdf(this.#ck, ikm);
    this.#ck = ck;
    this.#cipher = new CipherState(key);
  }

  mixHash(data) {
    this.#h = blake2s(concat(this.#h, data));
  }

  encryptAndHash(plaintext) {
    const ciphertext = this.#cipher.encryptWithAd(this.#h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext) {
    const plaintext = this.#cipher.decryptWithAd(this.#h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** The two transport CipherStates: [initiator → responder, responder → initiator]. */
  split() {
    const [k1, k2] = noiseHkdf(this.#ck, EMPTY);
    return [new CipherState(k1), new CipherState(k2)];
  }
}
