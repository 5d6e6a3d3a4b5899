// Picks the transport for a new link: the order given (WebSocket → SSE + POST → long-poll +
// POST by default), starting from the one that worked last, stepping down when one fails to
// carry a bootstrap, and remembering what worked. A refused bootstrap (the server answered and
// said no) is not the transport's fault and does not step down.

import { CcpError, ErrorKind } from '../errors.js';

/** Remembers the last transport that worked in memory (Node; one page load). */
export class MemoryTransportMemory {
  #name = null;
  get() {
    return this.#name;
  }
  set(name) {
    this.#name = name;
  }
}

/** Remembers it in Web Storage, so the next page load starts with it. */
export class WebStorageTransportMemory {
  #storage;
  #key;
  constructor(key = 'ccp.transport', storage = globalThis.localStorage) {
    this.#storage = storage;
    this.#key = key;
  }
  get() {
    try {
      return this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null;
    }
  }
  set(name) {
    try {
      this.#storage?.setItem(this.#key, name);
    } catch {
      // storage full or denied: memory is an optimisation only
    }
  }
}

export class TransportSelector {
  #transports;
  #memory;

  /**
   * @param {Array<{name: string, open: Function}>} transports in order of preference
   * @param {{memory?: {get(): string|null, set(name: string): void}, force?: string}} [options]
   *   `force` names the only transport to use
   */
  constructor(transports, { memory = new MemoryTransportMemory(), force } = {}) {
    if (force) {
      transports = transports.filter((t) => t.name === force);
      if (transports.length === 0) throw new CcpError(ErrorKind.STATE, `no transport named ${force}`);
    }
    if (transports.length === 0) throw new CcpError(ErrorKind.STATE, 'no transport');
    this.#transports = transports;
    this.#memory = memory;
  }

  /** Transport names in the order the next attempt tries them. */
  order() {
    const remembered = this.#memory.get();
    const start = Math.max(0, this.#transports.findIndex((t) => t.name === remembered));
    return this.#transports.slice(start);
  }

  /**
   * Runs `attempt(transport)` on each transport in order until one succeeds.
   * @template T
   * @param {(transport: object) => Promise<T>} attempt
   * @returns {Promise<T>}
   */
  async establish(attempt) {
    let last = null;
    for (const transport of this.order()) {
      try {
        const result = await attempt(transport);
        this.#memory.set(transport.name);
        return result;
      } catch (e) {
        if (e instanceof CcpError && e.kind === ErrorKind.HANDSHAKE) throw e;
        last = e;
      }
    }
    // Everything failed: the next attempt starts from the top again.
    this.#memory.set(this.#transports[0].name);
    throw last;
  }
}
