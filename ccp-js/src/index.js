// The browser (and platform-neutral) entry point of @commucat/ccp.

export { CcpClient } from './client.js';
export { CcpError, ErrorKind } from './errors.js';
export { CcpSession, SessionState } from './session/session.js';
export { MemoryIdentityStore, WebStorageIdentityStore } from './identity-store.js';
export { RestApi, fetchHttp } from './rest/rest-api.js';
export { TransportSelector, MemoryTransportMemory, WebStorageTransportMemory } from './transport/selector.js';
export { FrameType } from './codec/frame-type.js';
export { FrameError, FrameErrorKind } from './codec/frame-error.js';
export { encodeFrame, decodeFrame, controlFrame, opaqueFrame } from './codec/frame.js';
export { FrameDecoder } from './codec/frame-decoder.js';
export { createBrowserClient } from './browser-client.js';
export { browserTransports, BROWSER_TRANSPORTS } from './transport/browser.js';
export { webSocketTransport, hasWebSocket } from './transport/websocket.js';
export { sseTransport } from './transport/sse.js';
export { longPollTransport } from './transport/long-poll.js';
export { SseParser } from './transport/sse-parser.js';
export { NdjsonParser } from './transport/ndjson-parser.js';
