// The companion's POSTs (ccp-1.md §1.3) as the browser makes them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpstreamPoster } from '../../src/transport/upstream-poster.js';

describe('UpstreamPoster', () => {
  it('calls fetch as a plain function, as a browser requires (not as a method of the poster)', async () => {
    const calls = [];
    // A browser's fetch throws "Illegal invocation" when `this` is anything but the window.
    function browserLikeFetch(url, init) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      calls.push({ url, seq: init.headers['x-upstream-seq'], body: init.body });
      return Promise.resolve({ status: 204 });
    }
    const failures = [];
    const poster = new UpstreamPoster('https://example.test/connect/t', (e) => failures.push(e), browserLikeFetch);

    poster.send(new Uint8Array([1, 2, 3]));
    await new Promise((resolve) => setTimeout(resolve, 10));

    assert.deepEqual(failures, []);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].seq, '0');
    assert.deepEqual([...calls[0].body], [1, 2, 3]);
  });
});
