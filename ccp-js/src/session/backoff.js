// Exponential backoff with full jitter: attempt n waits a uniformly random time in
// [0, min(max, initial × 2^n)], so devices that lost one server do not return in step.

export class Backoff {
  #initial;
  #max;
  #attempt = 0;

  constructor(initialMs = 500, maxMs = 30000, random = Math.random) {
    this.#initial = Math.max(1, initialMs);
    this.#max = Math.max(this.#initial, maxMs);
    this.random = random;
  }

  /** The wait before the next attempt, in milliseconds; each call doubles the ceiling. */
  next() {
    const ceiling = this.#attempt >= 30 ? this.#max : Math.min(this.#max, this.#initial * 2 ** this.#attempt);
    this.#attempt++;
    return Math.floor(this.random() * (ceiling + 1));
  }

  /** A success: the next failure starts from the initial ceiling again. */
  reset() {
    this.#attempt = 0;
  }
}
