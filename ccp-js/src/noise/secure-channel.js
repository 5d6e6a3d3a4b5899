// CCP's established framing (ccp-1.md §4.1): on the wire `varint(len(ciphertext)) || ciphertext`;
// the plaintexts, concatenated, are a stream of encoded frames. A frame larger than one Noise
// message is split over several (the Deviation), and frames are decoded from the reassembled
// stream. Received bytes are bounded: at most one record (65535 bytes plus its length) and one
// incomplete frame are held. Any failure is fatal. One caller at a time.

import { concat } from '../bytes.js';
import { FrameDecoder } from '../codec/frame-decoder.js';
import { encodeFrame } from '../codec/frame.js';
import { readVarint, varintLength, writeVarint } from '../codec/varint.js';
import { MAX_NOISE_MESSAGE, MAX_PLAINTEXT } from './limits.js';
import { NoiseError } from './noise-error.js';

export class SecureChannel {
  #transport;
  #frames = new FrameDecoder();
  #pending = new Uint8Array(0);

  /** @param {import('./transport.js').NoiseTransport} transport */
  constructor(transport) {
    this.#transport = transport;
  }

  /** The wire bytes carrying `frame`: one record per at most 65519 bytes of its encoding. */
  seal(frame) {
    return this.sealBytes(encodeFrame(frame));
  }

  /** The wire bytes carrying `plaintext` (already encoded frames). */
  sealBytes(plaintext) {
    const records = [];
    for (let at = 0; at < plaintext.length || (at === 0 && plaintext.length === 0); at += MAX_PLAINTEXT) {
      const ciphertext = this.#transport.encrypt(plaintext.subarray(at, at + MAX_PLAINTEXT));
      const record = new Uint8Array(varintLength(ciphertext.length) + ciphertext.length);
      record.set(ciphertext, writeVarint(ciphertext.length, record, 0));
      records.push(record);
      if (plaintext.length === 0) break;
    }
    return concat(...records);
  }

  /**
   * Feeds received wire bytes; returns the frames they completed, in order.
   * @throws {NoiseError|import('../codec/frame-error.js').FrameError} fatal for the session
   */
  open(chunk) {
    const bytes = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const frames = [];
    let at = 0;
    for (;;) {
      const length = readVarint(bytes, at, bytes.length);
      if (length === null) break;
      if (length.value > MAX_NOISE_MESSAGE) throw new NoiseError('too_large');
      const end = length.next + length.value;
      if (end > bytes.length) break;
      const plaintext = this.#transport.decrypt(bytes.subarray(length.next, end));
      at = end;
      for (const frame of this.#frames.push(plaintext)) frames.push(frame);
    }
    this.#pending = at === bytes.length ? new Uint8Array(0) : bytes.slice(at);
    return frames;
  }
}
