// A Noise failure. Kinds: `decrypt` (authentication failed), `nonce_exhausted`, `too_large`
// (a message over 65535 bytes), `malformed` (a message of the wrong size or an invalid key),
// `state` (a call out of order).

export class NoiseError extends Error {
  constructor(kind) {
    super(`noise: ${kind}`);
    this.name = 'NoiseError';
    this.kind = kind;
  }
}
