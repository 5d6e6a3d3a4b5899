import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../src/session/backoff.js';

describe('Backoff', () => {
  it('waits at most initial × 2^n, capped at the maximum (full jitter: the top of the range)', () => {
    const backoff = new Backoff(100, 1000, () => 0.999999);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => backoff.next()), [100, 200, 400, 800, 1000, 1000]);
  });

  it('may wait no time at all (full jitter: the bottom of the range)', () => {
    const backoff = new Backoff(100, 1000, () => 0);
    assert.equal(backoff.next(), 0);
  });

  it('starts from the initial ceiling again after a success', () => {
    const backoff = new Backoff(100, 1000, () => 0.999999);
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });
});
