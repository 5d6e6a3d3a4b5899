// A client for a web page: REST with fetch, the browser transports, the identity and the
// transport that worked kept in localStorage (when there is one).

import { CcpClient } from './client.js';
import { MemoryIdentityStore, WebStorageIdentityStore } from './identity-store.js';
import { fetchHttp } from './rest/rest-api.js';
import { browserTransports } from './transport/browser.js';
import { MemoryTransportMemory, WebStorageTransportMemory } from './transport/selector.js';

/**
 * @param {object} o
 * @param {string} [o.server] the server's origin; default the page's
 * @param {string} [o.forceTransport] 'websocket' | 'sse' | 'long-poll'; default the page's `?transport=`
 * @param {object} [o.identityStore] default localStorage (memory where there is none)
 */
export function createBrowserClient(o = {}) {
  const server = o.server ?? globalThis.location?.origin;
  if (!server) throw new TypeError('createBrowserClient: name the server');
  const storage = (() => {
    try {
      return globalThis.localStorage ?? null;
    } catch {
      return null;
    }
  })();
  const fromQuery = globalThis.location ? new URLSearchParams(globalThis.location.search).get('transport') : null;
  return new CcpClient({
    ...o,
    http: o.http ?? fetchHttp(server),
    transports: o.transports ?? browserTransports(server),
    identityStore: o.identityStore ?? (storage ? new WebStorageIdentityStore('ccp.identity', storage) : new MemoryIdentityStore()),
    transportMemory: o.transportMemory ?? (storage ? new WebStorageTransportMemory('ccp.transport', storage) : new MemoryTransportMemory()),
    forceTransport: o.forceTransport ?? fromQuery ?? undefined,
  });
}
