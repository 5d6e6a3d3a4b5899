// Node only: the binary transport over HTTP/2 (ccp-1.md §1): `POST /connect`, the request body
// streams frames upstream and the response body streams them downstream, full duplex. The
// server may answer the headers only once it has read the Hello, so the link is handed over as
// soon as the stream exists; a refusal (429, 503 ...) arrives as onClose(REFUSED).

import { CcpError, ErrorKind } from '../errors.js';

/**
 * A transport named 'binary' over `origin` (an Http2Origin). It PINGs the connection every
 * `pingIntervalMs` and drops a link whose PING is still unanswered at the next one (ccp-1.md
 * §4.3), so a silent dead link is found within two intervals.
 */
export function http2Transport(origin, { pingIntervalMs = 30000 } = {}) {
  return {
    name: 'binary',
    async open({ onBytes, onClose }) {
      let stream;
      try {
        stream = origin.session().request({
          ':method': 'POST', ':path': '/connect?mode=binary', 'content-type': 'application/octet-stream',
        }, { endStream: false });
      } catch (e) {
        throw new CcpError(ErrorKind.UNREACHABLE, 'cannot open /connect', { cause: e });
      }
      let closed = false;
      let accepted = false;
      let awaitingPing = false;
      const session = stream.session;
      const pinger = setInterval(() => {
        if (awaitingPing) {
          finish(new CcpError(ErrorKind.UNREACHABLE, 'the server did not answer a PING'));
          stream.close();
          return;
        }
        awaitingPing = true;
        try {
          session.ping((error) => {
            if (!error) awaitingPing = false;
          });
        } catch {
          // the session is going; its close reaches the stream
        }
      }, pingIntervalMs);
      const finish = (error) => {
        if (closed) return;
        closed = true;
        clearInterval(pinger);
        onClose(error);
      };
      stream.on('response', (headers) => {
        const status = headers[':status'];
        if (status === 200) {
          accepted = true;
          return;
        }
        const retryAfter = Number(headers['retry-after']);
        finish(new CcpError(ErrorKind.REFUSED, '/connect was refused', {
          status, detail: Number.isFinite(retryAfter) ? `retry-after ${retryAfter}` : null,
        }));
        stream.close();
      });
      stream.on('data', (chunk) => {
        if (accepted && !closed) onBytes(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
      stream.on('error', (e) => finish(new CcpError(ErrorKind.UNREACHABLE, 'the /connect stream failed', { cause: e })));
      stream.on('close', () => finish(null));
      return {
        send(bytes) {
          if (!closed) stream.write(bytes);
        },
        close() {
          if (closed) return;
          closed = true;
          clearInterval(pinger);
          stream.close();
        },
      };
    },
  };
}
