// Drops redeliveries after a reconnect (§4.2): the wire carries no message id, so a delivered
// frame is known by type, channel and the SHA-256 of its payload. At the head of a new link a
// server re-delivers what was not acknowledged before anything newer, so frames the application
// already took are dropped there, and the first one it did not take ends the head. Bytes sent
// twice on purpose still arrive twice. Remembers the last `window` deliveries.

import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../bytes.js';

export class DeliveryFilter {
  #window;
  #order = [];
  #counts = new Map();
  #link = null;
  #head = false;

  constructor(window = 512) {
    this.#window = window;
  }

  static key(frame) {
    return `${frame.type.code}:${frame.channel}:${toHex(sha256(frame.payload))}`;
  }

  /** Whether the application should see the frame with `key` that arrived on `link`. */
  admit(link, key) {
    if (link !== this.#link) {
      this.#link = link;
      this.#head = true;
    }
    const seen = this.#counts.has(key);
    if (this.#head && !seen) this.#head = false;
    return !(seen && this.#head);
  }

  /** The application took the frame with `key` (its handler returned). */
  delivered(key) {
    this.#order.push(key);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    if (this.#order.length > this.#window) {
      const oldest = this.#order.shift();
      const n = this.#counts.get(oldest);
      if (n === 1) this.#counts.delete(oldest);
      else this.#counts.set(oldest, n - 1);
    }
  }
}
