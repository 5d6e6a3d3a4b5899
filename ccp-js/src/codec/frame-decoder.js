// A streaming frame decoder: bytes in any chunking, whole frames out. It holds at most one
// incomplete frame (bounded by MAX_FRAME plus its length varint), and once the frame's length
// is known it only collects chunks until the frame is whole, so a large frame arriving in small
// pieces is copied once, not once per piece. Any error is fatal and sticks. One caller at a time.

import { concat } from '../bytes.js';
import { FrameError } from './frame-error.js';
import { tryDecodeFrame } from './frame.js';
import { readVarint } from './varint.js';

export class FrameDecoder {
  #chunks = [];
  #size = 0;
  /** Bytes the incomplete frame needs in all, once its length varint is in; 0 while unknown. */
  #need = 0;
  #failed = null;

  /** Bytes held, waiting for the rest of a frame. */
  get buffered() {
    return this.#size;
  }

  /**
   * Feeds `chunk`; returns the frames it completed, in order.
   * @throws {FrameError} on malformed bytes (then on every later call too)
   */
  push(chunk) {
    if (this.#failed) throw this.#failed;
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#need > 0 && this.#size < this.#need) return [];
    const bytes = this.#chunks.length === 1 ? this.#chunks[0] : concat(...this.#chunks);
    const frames = [];
    let at = 0;
    try {
      for (;;) {
        const decoded = tryDecodeFrame(bytes, at);
        if (decoded === null) break;
        frames.push(decoded.frame);
        at = decoded.next;
      }
    } catch (e) {
      this.#failed = e;
      this.#chunks = [];
      this.#size = 0;
      throw e;
    }
    const rest = at === bytes.length ? null : bytes.slice(at);
    this.#chunks = rest ? [rest] : [];
    this.#size = rest ? rest.length : 0;
    const length = rest ? readVarint(rest, 0, rest.length) : null;
    this.#need = length ? length.next + length.value : 0;
    return frames;
  }

  /** The stream ended: bytes still held are an unexpected end. */
  end() {
    if (this.#failed) throw this.#failed;
    if (this.#size > 0) throw new FrameError('unexpected_eof');
  }
}
