// WebSocket (ccp-1.md §1.1–1.2): `wss://host/connect?mode=websocket`, binary messages both
// ways; a received message may hold any part of the byte stream (not one frame each). A text
// message is taken as base64 of bytes, as the server accepts upstream.

import { fromBase64 } from '../bytes.js';
import { CcpError, ErrorKind } from '../errors.js';

/** Whether this platform has a WebSocket (browsers; Node 20 only behind --experimental-websocket). */
export const hasWebSocket = () => typeof globalThis.WebSocket === 'function';

export function webSocketTransport(baseUrl, { WebSocket: Impl = globalThis.WebSocket } = {}) {
  return {
    name: 'websocket',
    open({ onBytes, onClose }) {
      return new Promise((resolve, reject) => {
        if (typeof Impl !== 'function') {
          reject(new CcpError(ErrorKind.UNREACHABLE, 'no WebSocket on this platform'));
          return;
        }
        const url = new URL('/connect?mode=websocket', baseUrl);
        url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
        let socket;
        try {
          socket = new Impl(url.href);
        } catch (e) {
          reject(new CcpError(ErrorKind.UNREACHABLE, 'cannot open the WebSocket', { cause: e }));
          return;
        }
        socket.binaryType = 'arraybuffer';
        let opened = false;
        let closed = false;
        socket.onopen = () => {
          opened = true;
          resolve({
            send(bytes) {
              if (!closed) socket.send(bytes);
            },
            close() {
              if (closed) return;
              closed = true;
              socket.close(1000);
            },
          });
        };
        socket.onmessage = (event) => {
          if (closed) return;
          const data = event.data;
          try {
            onBytes(typeof data === 'string' ? fromBase64(data) : new Uint8Array(data));
          } catch (e) {
            closed = true;
            socket.close(1002);
            onClose(new CcpError(ErrorKind.PROTOCOL, 'a WebSocket message is not bytes', { cause: e }));
          }
        };
        socket.onclose = (event) => {
          if (!opened) {
            reject(new CcpError(ErrorKind.UNREACHABLE, 'the WebSocket did not open', { status: event.code }));
            return;
          }
          if (closed) return;
          closed = true;
          onClose(event.code === 1000 ? null : new CcpError(ErrorKind.UNREACHABLE, 'the WebSocket closed', { status: event.code }));
        };
        socket.onerror = () => {
          // onclose follows and reports
        };
      });
    },
  };
}
