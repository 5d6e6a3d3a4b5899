// The Node entry point: everything of the browser entry, plus a client over HTTP/2 (binary
// transport and REST on one TLS connection) for Node programs and tests.

import { CcpClient } from './client.js';
import { MemoryIdentityStore } from './identity-store.js';
import { Http2Origin } from './node/http2-origin.js';
import { http2Rest } from './node/http2-rest.js';
import { http2Transport } from './node/http2-transport.js';

export * from './index.js';
export { Http2Origin, http2Rest, http2Transport };

/**
 * A client for Node over HTTP/2.
 * @param {object} o
 * @param {string} o.server https://host:port
 * @param {string|Buffer} [o.ca] PEM of the CA that signed the server's certificate
 * @param {object} [o.identityStore] default: in memory
 * @returns {{client: CcpClient, origin: Http2Origin}}
 */
export function createNodeClient({ server, ca, identityStore = new MemoryIdentityStore(), ...rest }) {
  const origin = new Http2Origin(server, { ca });
  const client = new CcpClient({
    http: http2Rest(origin),
    transports: [http2Transport(origin)],
    identityStore,
    ...rest,
  });
  return { client, origin };
}
