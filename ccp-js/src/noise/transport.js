// A Noise transport: one CipherState each way, no associated data. Raw messages in and out;
// SecureChannel adds CCP's framing (§4.1) on top.

import { NoiseError } from './noise-error.js';
import { MAX_NOISE_MESSAGE, TAG_LENGTH } from './limits.js';

const EMPTY = new Uint8Array(0);

export class NoiseTransport {
  #send;
  #receive;

  constructor(send, receive) {
    this.#send = send;
    this.#receive = receive;
  }

  encrypt(plaintext) {
    if (plaintext.length + TAG_LENGTH > MAX_NOISE_MESSAGE) throw new NoiseError('too_large');
    return this.#send.encryptWithAd(EMPTY, plaintext);
  }

  decrypt(ciphertext) {
    if (ciphertext.length > MAX_NOISE_MESSAGE || ciphertext.length < TAG_LENGTH) throw new NoiseError('malformed');
    return this.#receive.decryptWithAd(EMPTY, ciphertext);
  }
}
