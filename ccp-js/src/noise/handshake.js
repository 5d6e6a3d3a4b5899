// The Noise handshakes CCP uses (ccp-1.md §3.7): Noise_XK and Noise_IK over 25519, ChaChaPoly
// and BLAKE2s, as the Noise protocol over @noble primitives. One NoiseHandshake per attempt;
// writeMessage/readMessage alternate as the pattern says, and split() hands over the transport.

import { x25519 } from '@noble/curves/ed25519.js';
import { concat } from '../bytes.js';
import { MAX_NOISE_MESSAGE, TAG_LENGTH } from './limits.js';
import { NoiseError } from './noise-error.js';

export { MAX_NOISE_MESSAGE };
import { SymmetricState } from './symmetric-state.js';
import { NoiseTransport } from './transport.js';

const DHLEN = 32;

/** Message patterns after the pre-message `<- s`. */
export const NoisePattern = Object.freeze({
  XK: Object.freeze({ name: 'XK', messages: [['e', 'es'], ['e', 'ee'], ['s', 'se']] }),
  IK: Object.freeze({ name: 'IK', messages: [['e', 'es', 's', 'ss'], ['e', 'ee', 'se']] }),
});

/** A fresh X25519 key pair {privateKey, publicKey}. */
export function generateKeyPair() {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

/** The key pair of a given X25519 private key. */
export function keyPairOf(privateKey) {
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

function dh(keyPair, publicKey) {
  try {
    return x25519.getSharedSecret(keyPair.privateKey, publicKey);
  } catch {
    throw new NoiseError('malformed');
  }
}

export class NoiseHandshake {
  #pattern;
  #initiator;
  #state;
  #s;
  #e = null;
  #rs = null;
  #re = null;
  #step = 0;
  #fixedEphemeral;

  /**
   * @param {object} options
   * @param {object} options.pattern NoisePattern.XK or NoisePattern.IK
   * @param {boolean} options.initiator
   * @param {{privateKey: Uint8Array, publicKey: Uint8Array}} options.staticKey this side's static pair
   * @param {Uint8Array} [options.remoteStatic] the responder's static key (required for the initiator)
   * @param {Uint8Array} options.prologue
   * @param {Uint8Array} [options.ephemeral] a fixed ephemeral private key (test vectors only)
   */
  constructor({ pattern, initiator, staticKey, remoteStatic, prologue, ephemeral }) {
    this.#pattern = pattern;
    this.#initiator = initiator;
    this.#s = staticKey;
    this.#fixedEphemeral = ephemeral ?? null;
    this.#state = new SymmetricState(`Noise_${pattern.name}_25519_ChaChaPoly_BLAKE2s`);
    this.#state.mixHash(prologue);
    if (initiator) {
      if (!remoteStatic || remoteStatic.length !== DHLEN) throw new NoiseError('malformed');
      this.#rs = remoteStatic;
      this.#state.mixHash(remoteStatic);
    } else {
      this.#state.mixHash(staticKey.publicKey);
    }
  }

  /** The handshake hash h (for tests and channel binding). */
  get handshakeHash() {
    return this.#state.handshakeHash;
  }

  /** The remote static key, once known. */
  get remoteStatic() {
    return this.#rs;
  }

  /** Whether every handshake message has been written or read. */
  get finished() {
    return this.#step === this.#pattern.messages.length;
  }

  #myTurn() {
    return (this.#step % 2 === 0) === this.#initiator;
  }

  #mix(token) {
    const st = this.#state;
    const init = this.#initiator;
    switch (token) {
      case 'ee': st.mixKey(dh(this.#e, this.#re)); break;
      case 'es': st.mixKey(init ? dh(this.#e, this.#rs) : dh(this.#s, this.#re)); break;
      case 'se': st.mixKey(init ? dh(this.#s, this.#re) : dh(this.#e, this.#rs)); break;
      case 'ss': st.mixKey(dh(this.#s, this.#rs)); break;
      default: throw new NoiseError('state');
    }
  }

  /** Writes the next handshake message carrying `payload`. */
  writeMessage(payload = new Uint8Array(0)) {
    if (this.finished || !this.#myTurn()) throw new NoiseError('state');
    const parts = [];
    for (const token of this.#pattern.messages[this.#step]) {
      if (token === 'e') {
        this.#e = this.#fixedEphemeral ? keyPairOf(this.#fixedEphemeral) : generateKeyPair();
        parts.push(this.#e.publicKey);
        this.#state.mixHash(this.#e.publicKey);
      } else if (token === 's') {
        parts.push(this.#state.encryptAndHash(this.#s.publicKey));
      } else {
        this.#mix(token);
      }
    }
    parts.push(this.#state.encryptAndHash(payload));
    const message = concat(...parts);
    if (message.length > MAX_NOISE_MESSAGE) throw new NoiseError('too_large');
    this.#step++;
    return message;
  }

  /** Reads the peer's next handshake message; returns its payload. */
  readMessage(message) {
    if (this.finished || this.#myTurn()) throw new NoiseError('state');
    if (message.length > MAX_NOISE_MESSAGE) throw new NoiseError('too_large');
    let at = 0;
    const take = (n) => {
      if (at + n > message.length) throw new NoiseError('malformed');
      const part = message.subarray(at, at + n);
      at += n;
      return part;
    };
    for (const token of this.#pattern.messages[this.#step]) {
      if (token === 'e') {
        this.#re = take(DHLEN).slice();
        this.#state.mixHash(this.#re);
      } else if (token === 's') {
        this.#rs = this.#state.decryptAndHash(take(this.#state.hasKey() ? DHLEN + TAG_LENGTH : DHLEN)).slice();
      } else {
        this.#mix(token);
      }
    }
    const payload = this.#state.decryptAndHash(message.subarray(at));
    this.#step++;
    return payload;
  }

  /** The transport of a finished handshake. */
  split() {
    if (!this.finished) throw new NoiseError('state');
    const [toResponder, toInitiator] = this.#state.split();
    return this.#initiator
      ? new NoiseTransport(toResponder, toInitiator)
      : new NoiseTransport(toInitiator, toResponder);
  }
}
