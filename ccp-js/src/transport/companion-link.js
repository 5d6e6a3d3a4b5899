// What SSE and long-poll share (ccp-1.md §1.3): the download names the upstream token, the upload
// is companion POSTs to /connect/<token>, and one `finish` ends both exactly once. Before the
// token came, the open fails; after, the link's onClose hears how it ended.

import { CcpError, ErrorKind } from '../errors.js';
import { UpstreamPoster } from './upstream-poster.js';

/**
 * The state of one fallback link while it opens and runs. `what` names the download in the
 * error when it ends before its token ('the SSE stream', 'the long-poll').
 */
export function companionLink({ baseUrl, fetchImpl, abort, resolve, reject, onClose, what }) {
  let link = null;
  let poster = null;
  let closed = false;
  const finish = (error) => {
    if (closed) return;
    closed = true;
    abort.abort();
    poster?.close();
    if (link) onClose(error);
    else reject(error ?? new CcpError(ErrorKind.UNREACHABLE, `${what} ended before its upstream token`));
  };
  return {
    finish,
    get closed() { return closed; },
    /** Whether the upstream token came (the link is open). */
    get linked() { return link !== null; },
    /** The token came: start the companion POSTs and hand the link out. */
    upstream(token) {
      poster = new UpstreamPoster(`${new URL(baseUrl).origin}/connect/${encodeURIComponent(token)}`, finish, fetchImpl);
      link = { send: (bytes) => poster.send(bytes), close: () => finish(null) };
      resolve(link);
    },
  };
}
