// The companion upstream of SSE and long-poll (ccp-1.md §1.3, rest.md): bytes go up as
// `POST /connect/{token}` with `X-Upstream-Seq` 0, 1, 2 ...; one POST at a time keeps them in
// order, bytes written while one is in flight go in the next, and a POST that fails on the
// network is retried with the same sequence (the server drops duplicates). 404 means the
// connection is gone.

import { concat } from '../bytes.js';
import { CcpError, ErrorKind } from '../errors.js';

const RETRIES = 3;
/** Bytes waiting to go up; more means the link cannot keep up and is closed. */
const MAX_QUEUED = 32 * 1024 * 1024;

export class UpstreamPoster {
  #url;
  #fetch;
  #seq = 0;
  #queue = [];
  #queued = 0;
  #busy = false;
  #closed = false;
  #onFailure;

  /**
   * @param {string} url the absolute `/connect/{token}` URL
   * @param {(error: CcpError) => void} onFailure called once when upstream is lost
   */
  constructor(url, onFailure, fetchImpl = globalThis.fetch) {
    this.#url = url;
    this.#onFailure = onFailure;
    this.#fetch = fetchImpl;
  }

  send(bytes) {
    if (this.#closed) return;
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    if (this.#queued > MAX_QUEUED) {
      this.#fail(new CcpError(ErrorKind.OVERLOADED, 'upstream cannot keep up'));
      return;
    }
    if (!this.#busy) this.#drain();
  }

  close() {
    this.#closed = true;
    this.#queue = [];
  }

  async #drain() {
    this.#busy = true;
    while (!this.#closed && this.#queue.length > 0) {
      const body = concat(...this.#queue.splice(0));
      this.#queued = 0;
      const seq = this.#seq++;
      let sent = false;
      for (let attempt = 0; attempt <= RETRIES && !sent && !this.#closed; attempt++) {
        let response;
        try {
          // Not as a method: a browser's fetch called with `this` other than the window throws.
          const fetchImpl = this.#fetch;
          response = await fetchImpl(this.#url, {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream', 'x-upstream-seq': String(seq) },
            body,
          });
        } catch {
          continue; // a network failure: the same sequence again
        }
        if (response.status === 204 || response.status === 200) {
          sent = true;
        } else {
          this.#fail(new CcpError(ErrorKind.UNREACHABLE, 'the upstream POST was refused', { status: response.status }));
          return;
        }
      }
      if (!sent && !this.#closed) {
        this.#fail(new CcpError(ErrorKind.UNREACHABLE, 'the upstream POST failed'));
        return;
      }
    }
    this.#busy = false;
  }

  #fail(error) {
    if (this.#closed) return;
    this.close();
    this.#onFailure(error);
  }
}
