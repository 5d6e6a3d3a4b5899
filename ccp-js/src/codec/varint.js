// Unsigned LEB128 (ccp-1.md §2). Values travel as Numbers: every limit the protocol checks is far
// below 2^53, and a larger value only has to be known to be too large.

import { FrameError } from './frame-error.js';

/** Bytes needed for `value`. */
export function varintLength(value) {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` (a non-negative safe integer) at `out[at]`; returns the next offset. */
export function writeVarint(value, out, at) {
  while (value >= 128) {
    out[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/**
 * Reads a varint from `bytes[at..end)`.
 * @returns {{value: number, next: number} | null} null when `end` comes first
 * @throws {FrameError} varint_overflow past 63 bits, or a 10th byte with any bit but the lowest
 */
export function readVarint(bytes, at, end) {
  let value = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (at >= end) return null;
    const b = bytes[at++];
    if (i === 9 && (b & 0xfe) !== 0) throw new FrameError('varint_overflow');
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, next: at };
    scale *= 128;
    if (i === 9) throw new FrameError('varint_overflow');
  }
}
