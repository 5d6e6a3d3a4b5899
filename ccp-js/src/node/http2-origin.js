// Node only: one HTTP/2 connection (TLS, ALPN h2) to a CCP server, shared by the binary
// transport and the REST client of one CcpClient. It reconnects lazily after a loss. Trust is
// Node's default store plus the `ca` given (a development server's dev-ca.pem).

import http2 from 'node:http2';

export class Http2Origin {
  #url;
  #options;
  #session = null;

  /**
   * @param {string} url https://host:port
   * @param {{ca?: string|Buffer}} [options]
   */
  constructor(url, options = {}) {
    this.#url = new URL(url).origin;
    this.#options = options;
  }

  get url() {
    return this.#url;
  }

  /** The live HTTP/2 session, connecting when there is none. */
  session() {
    if (this.#session && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = http2.connect(this.#url, { ca: this.#options.ca, ALPNProtocols: ['h2'] });
    session.on('error', () => {}); // reported through each stream
    session.on('close', () => {
      if (this.#session === session) this.#session = null;
    });
    this.#session = session;
    return session;
  }

  /** Drops the connection at once: every open stream fails (a cut link, for tests and shutdown). */
  disconnect() {
    const session = this.#session;
    this.#session = null;
    session?.destroy();
  }

  close() {
    const session = this.#session;
    this.#session = null;
    session?.close();
  }
}
