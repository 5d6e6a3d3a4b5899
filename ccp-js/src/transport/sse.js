// SSE + companion POSTs (ccp-1.md §1.2–1.3): `GET /connect?mode=sse&upstream=1` read with
// fetch streaming (so the `id` and every event are ours to parse); the first event carries the
// upstream token, each `frame` event carries base64 of the bytes written, comments are
// `:ready` and `:keepalive`. Upstream goes through UpstreamPoster.

import { fromBase64 } from '../bytes.js';
import { CcpError, ErrorKind } from '../errors.js';
import { connectUrl, MAX_LINE, readText, refused } from './http-streams.js';
import { SseParser } from './sse-parser.js';
import { companionLink } from './companion-link.js';

export function sseTransport(baseUrl, { fetch: fetchImpl = globalThis.fetch } = {}) {
  return {
    name: 'sse',
    open({ onBytes, onClose }) {
      return new Promise((resolve, reject) => {
        const abort = new AbortController();
        const parser = new SseParser(MAX_LINE);
        const companion = companionLink({ baseUrl, fetchImpl, abort, resolve, reject, onClose, what: 'the SSE stream' });
        const { finish } = companion;
        const onEvent = (e) => {
          if (e.comment !== undefined || companion.closed) return;
          if (e.event === 'upstream' && !companion.linked) {
            companion.upstream(e.data.trim());
          } else if (e.event === 'frame' && companion.linked) {
            onBytes(fromBase64(e.data));
          }
        };
        (async () => {
          const response = await fetchImpl(connectUrl(baseUrl, 'mode=sse&upstream=1'), {
            headers: { accept: 'text/event-stream' }, cache: 'no-store', signal: abort.signal,
          });
          if (!response.ok) throw refused(response);
          await readText(response.body, (text) => {
            for (const event of parser.push(text)) onEvent(event);
          });
          finish(null);
        })().catch((e) => finish(e instanceof CcpError ? e
          : new CcpError(companion.closed ? ErrorKind.CLOSED : ErrorKind.UNREACHABLE, 'the SSE stream failed', { cause: e })));
      });
    },
  };
}
