// A minimal RFC 6455 server for the WebSocket transport's tests: the handshake, unmasking client
// frames, sending binary and text messages and a close. Only what the tests need; SHA-1 for
// Sec-WebSocket-Accept comes from node:crypto.

import { createHash } from 'node:crypto';
import http from 'node:http';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode, payload) {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length])
    : length < 65536 ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 255])
      : (() => {
        const h = Buffer.alloc(10);
        h[0] = 0x80 | opcode;
        h[1] = 127;
        h.writeBigUInt64BE(BigInt(length), 2);
        return h;
      })();
  return Buffer.concat([header, payload]);
}

/** Starts a server; `onConnection(peer, url)` gets {sendBinary, sendText, close, messages, onMessage}. */
export function startWebSocketServer(onConnection) {
  const server = http.createServer((req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket) => {
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + GUID).digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const peer = {
      messages: [],
      sendBinary: (bytes) => socket.write(frame(2, Buffer.from(bytes))),
      sendText: (text) => socket.write(frame(1, Buffer.from(text))),
      close: () => socket.end(frame(8, Buffer.from([0x03, 0xe8]))),
    };
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0] & 15;
        let length = buffer[1] & 127;
        let at = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          at = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        if (buffer.length < at + 4 + length) return;
        const mask = buffer.subarray(at, at + 4);
        const payload = Buffer.from(buffer.subarray(at + 4, at + 4 + length));
        for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
        buffer = buffer.subarray(at + 4 + length);
        if (opcode === 8) {
          socket.end(frame(8, payload.subarray(0, 2)));
          return;
        }
        peer.messages.push({ opcode, payload });
      }
    });
    socket.on('error', () => {});
    onConnection(peer, req.url);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections?.();
      server.close();
    },
  })));
}
