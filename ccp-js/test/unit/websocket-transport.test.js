// The WebSocket transport against a minimal RFC 6455 server over a real socket. Node 20 has a
// WebSocket only with --experimental-websocket (npm test passes it); without one this test
// is skipped, in Node only: browsers always have it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromHex, toBase64, toHex } from '../../src/bytes.js';
import { hasWebSocket, webSocketTransport } from '../../src/transport/websocket.js';
import { startWebSocketServer } from '../support/websocket-server.js';

const skip = hasWebSocket() ? false : 'this Node has no WebSocket (run with --experimental-websocket)';
const BYTES = fromHex('0d0100012a7b227061747465726e223a22584b227d0405070000');

describe('webSocketTransport', { skip }, () => {
  let server;
  let peer;
  let path;
  before(async () => {
    server = await startWebSocketServer((p, url) => {
      peer = p;
      path = url;
    });
  });
  after(() => server.close());

  it('accepts the byte stream in any chunking of binary messages, and base64 text messages', async () => {
    const received = [];
    let closedWith;
    const link = await webSocketTransport(server.url).open({
      onBytes: (b) => received.push(toHex(b)), onClose: (e) => { closedWith = e; },
    });
    assert.equal(path, '/connect?mode=websocket');
    peer.sendBinary(BYTES.subarray(0, 3));
    peer.sendBinary(BYTES.subarray(3, 20));
    peer.sendText(toBase64(BYTES.subarray(20)));
    await waitFor(() => received.join('') === toHex(BYTES));
    link.send(fromHex('cafe'));
    await waitFor(() => peer.messages.length === 1);
    assert.deepEqual(peer.messages[0], { opcode: 2, payload: Buffer.from('cafe', 'hex') });
    peer.close();
    await waitFor(() => closedWith !== undefined);
    assert.equal(closedWith, null);
  });
});

async function waitFor(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
