// Long-poll + companion POSTs (ccp-1.md §1.2–1.3, rest.md): `GET /connect?mode=long-poll&upstream=1`
// answers NDJSON; its first line carries the upstream token. When the server ends a poll the
// transport reissues `GET /connect?mode=long-poll&resume=<token>&after=<last sequence>` and
// gets what it has not seen. A 404 on a poll or a POST means the connection is gone.

import { CcpError, ErrorKind } from '../errors.js';
import { connectUrl, MAX_LINE, readText, refused } from './http-streams.js';
import { NdjsonParser } from './ndjson-parser.js';
import { companionLink } from './companion-link.js';

/** Failed polls in a row (network errors) before the link counts as lost. */
const POLL_RETRIES = 3;

export function longPollTransport(baseUrl, { fetch: fetchImpl = globalThis.fetch } = {}) {
  return {
    name: 'long-poll',
    open({ onBytes, onClose }) {
      return new Promise((resolve, reject) => {
        const abort = new AbortController();
        let token = null;
        let after = null;
        const companion = companionLink({ baseUrl, fetchImpl, abort, resolve, reject, onClose, what: 'the long-poll' });
        const { finish } = companion;
        const onRecord = (r) => {
          if (companion.closed) return;
          if (r.upstream !== undefined && token === null) {
            token = r.upstream;
            companion.upstream(token);
          } else if (r.bytes !== undefined && companion.linked) {
            if (Number.isInteger(r.sequence)) after = r.sequence;
            onBytes(r.bytes);
          }
        };
        const poll = async (query) => {
          const response = await fetchImpl(connectUrl(baseUrl, query), {
            headers: { accept: 'application/x-ndjson' }, cache: 'no-store', signal: abort.signal,
          });
          if (!response.ok) throw refused(response);
          const parser = new NdjsonParser(MAX_LINE);
          await readText(response.body, (text) => {
            for (const record of parser.push(text)) onRecord(record);
          });
        };
        (async () => {
          await poll('mode=long-poll&upstream=1');
          let failures = 0;
          while (!companion.closed && token !== null) {
            const query = `mode=long-poll&resume=${encodeURIComponent(token)}${after === null ? '' : `&after=${after}`}`;
            try {
              await poll(query);
              failures = 0;
            } catch (e) {
              if (companion.closed || (e instanceof CcpError) || ++failures > POLL_RETRIES) throw e;
            }
          }
          finish(null);
        })().catch((e) => finish(e instanceof CcpError ? e
          : new CcpError(companion.closed ? ErrorKind.CLOSED : ErrorKind.UNREACHABLE, 'the long-poll failed', { cause: e })));
      });
    },
  };
}
