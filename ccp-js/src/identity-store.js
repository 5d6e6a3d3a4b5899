// Where a device keeps its identity: an interface of two async methods, load() → identity or
// null, and save(identity). The stored form is plain JSON (hex keys, the certificate's wire
// object), so any key-value store can hold it. Secrets stay on the device.

import { stringifyJson, parseJson } from './codec/json.js';

/** Keeps the identity in memory (tests, short-lived tools). */
export class MemoryIdentityStore {
  #value = null;

  async load() {
    return this.#value === null ? null : parseJson(this.#value);
  }

  async save(identity) {
    this.#value = identity === null ? null : stringifyJson(identity);
  }
}

/**
 * Keeps the identity in a Web Storage object (`localStorage` by default) under `key`. The
 * secrets are then readable by any script of the page's origin: prefer an origin that serves
 * nothing else.
 */
export class WebStorageIdentityStore {
  #storage;
  #key;

  constructor(key = 'ccp.identity', storage = globalThis.localStorage) {
    if (!storage) throw new TypeError('no Web Storage here');
    this.#storage = storage;
    this.#key = key;
  }

  async load() {
    const text = this.#storage.getItem(this.#key);
    return text === null ? null : parseJson(text);
  }

  async save(identity) {
    if (identity === null) this.#storage.removeItem(this.#key);
    else this.#storage.setItem(this.#key, stringifyJson(identity));
  }
}
