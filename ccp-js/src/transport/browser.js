// The browser's transports in their order (ccp-1.md §1, issue #18): WebSocket → SSE + POST →
// long-poll + POST. Where there is no WebSocket (Node 20 without --experimental-websocket) it
// is left out.

import { longPollTransport } from './long-poll.js';
import { sseTransport } from './sse.js';
import { hasWebSocket, webSocketTransport } from './websocket.js';

/** The transport names, in the order they are tried. */
export const BROWSER_TRANSPORTS = Object.freeze(['websocket', 'sse', 'long-poll']);

export function browserTransports(baseUrl, { fetch, WebSocket } = {}) {
  const transports = [];
  if (WebSocket || hasWebSocket()) transports.push(webSocketTransport(baseUrl, { WebSocket }));
  transports.push(sseTransport(baseUrl, { fetch }), longPollTransport(baseUrl, { fetch }));
  return transports;
}
