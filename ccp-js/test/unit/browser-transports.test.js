// The SSE and long-poll transports against byte-exact streams of ccp-1.md §1.2 and rest.md,
// served by a small local HTTP server over real sockets (the server's own modes are tested
// against the real server once it serves them).

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fromHex, toBase64, toHex } from '../../src/bytes.js';
import { CcpError } from '../../src/errors.js';
import { longPollTransport } from '../../src/transport/long-poll.js';
import { NdjsonParser } from '../../src/transport/ndjson-parser.js';
import { SseParser } from '../../src/transport/sse-parser.js';
import { sseTransport } from '../../src/transport/sse.js';

// Bytes the server wrote: opaque to a transport, which hands them over unchanged.
const FRAME = fromHex('0f0200010b7b2261636b223a22686921227d');
const SSE_SAMPLE = ':ready\n\nevent: upstream\ndata: tok-1\n\n'
  + `event: frame\nid: 1\ndata: ${toBase64(FRAME)}\n\n:keepalive\n\n`;
const NDJSON_SAMPLE = '{"upstream":"tok-2"}\n'
  + `{"channel":0,"sequence":1,"type":"auth","data":"${toBase64(FRAME)}"}\n{"keepalive":true}\n`;

describe('SseParser', () => {
  it('reads the §1.2 stream in every split into two chunks', () => {
    for (let cut = 0; cut <= SSE_SAMPLE.length; cut++) {
      const parser = new SseParser(1024);
      const events = [...parser.push(SSE_SAMPLE.slice(0, cut)), ...parser.push(SSE_SAMPLE.slice(cut))];
      assert.deepEqual(events, [
        { comment: 'ready' },
        { event: 'upstream', id: null, data: 'tok-1' },
        { event: 'frame', id: '1', data: toBase64(FRAME) },
        { comment: 'keepalive' },
      ], `cut at ${cut}`);
    }
  });

  it('accepts CRLF line ends', () => {
    const events = new SseParser(1024).push('event: frame\r\nid: 7\r\ndata: AAE=\r\n\r\n');
    assert.deepEqual(events, [{ event: 'frame', id: '7', data: 'AAE=' }]);
  });

  it('refuses a line longer than its bound instead of buffering it', () => {
    assert.throws(() => new SseParser(16).push(`data: ${'A'.repeat(64)}`), { name: 'LineTooLongError' });
  });
});

describe('NdjsonParser', () => {
  it('reads the §1.2 long-poll lines byte by byte', () => {
    const parser = new NdjsonParser(1024);
    const records = [];
    for (const ch of NDJSON_SAMPLE) records.push(...parser.push(ch));
    assert.equal(records.length, 3);
    assert.deepEqual(records[0], { upstream: 'tok-2' });
    assert.equal(records[1].sequence, 1);
    assert.equal(records[1].type, 'auth');
    assert.equal(toHex(records[1].bytes), toHex(FRAME));
    assert.deepEqual(records[2], { keepalive: true });
  });

  it('rejects a line that is not a JSON object', () => {
    assert.throws(() => new NdjsonParser(1024).push('[1,2]\n'));
  });
});

/** A local server playing the server's side of one SSE or long-poll connection. */
function companionServer(handler) {
  const posts = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url.startsWith('/connect/')) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        posts.push({ token: req.url.slice('/connect/'.length), seq: req.headers['x-upstream-seq'],
          type: req.headers['content-type'], body: toHex(Buffer.concat(chunks)) });
        res.writeHead(204).end();
      });
      return;
    }
    handler(req, res);
  });
  return { server, posts };
}

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));

describe('sseTransport', () => {
  let base;
  let fixture;
  const requests = [];
  before(async () => {
    fixture = companionServer((req, res) => {
      requests.push({ url: req.url, accept: req.headers.accept });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(SSE_SAMPLE);
      // the stream stays open until the client goes
    });
    base = await listen(fixture.server);
  });
  after(() => fixture.server.close());

  it('opens with the upstream token, hands over frame bytes and posts upstream in order', async () => {
    const received = [];
    let closedWith;
    const link = await sseTransport(base).open({ onBytes: (b) => received.push(toHex(b)), onClose: (e) => { closedWith = e; } });
    assert.deepEqual(requests[0], { url: '/connect?mode=sse&upstream=1', accept: 'text/event-stream' });
    await waitFor(() => received.length === 1);
    assert.deepEqual(received, [toHex(FRAME)]);
    link.send(fromHex('0102'));
    link.send(fromHex('0304'));
    link.send(fromHex('05'));
    await waitFor(() => fixture.posts.reduce((n, p) => n + p.body.length / 2, 0) === 5);
    assert.deepEqual(fixture.posts.map((p) => p.seq), fixture.posts.map((_, i) => String(i)));
    assert.equal(fixture.posts.map((p) => p.body).join(''), '0102030405');
    assert.ok(fixture.posts.every((p) => p.token === 'tok-1' && p.type === 'application/octet-stream'));
    link.close();
    assert.equal(closedWith, null);
  });
});

describe('longPollTransport', () => {
  let base;
  let fixture;
  const polls = [];
  before(async () => {
    fixture = companionServer((req, res) => {
      polls.push(req.url);
      if (polls.length === 1) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(NDJSON_SAMPLE);
      } else if (polls.length === 2) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' })
          .end(`{"channel":0,"sequence":2,"type":"ack","data":"${toBase64(fromHex('0506'))}"}\n`);
      } else {
        res.writeHead(404).end();
      }
    });
    base = await listen(fixture.server);
  });
  after(() => fixture.server.close());

  it('reissues each ended poll with resume and after, and ends when the connection is gone', async () => {
    const received = [];
    let closedWith;
    const link = await longPollTransport(base).open({ onBytes: (b) => received.push(toHex(b)), onClose: (e) => { closedWith = e; } });
    assert.ok(link);
    await waitFor(() => closedWith !== undefined);
    assert.deepEqual(polls, [
      '/connect?mode=long-poll&upstream=1',
      '/connect?mode=long-poll&resume=tok-2&after=1',
      '/connect?mode=long-poll&resume=tok-2&after=2',
    ]);
    assert.deepEqual(received, [toHex(FRAME), '0506']);
    assert.ok(closedWith instanceof CcpError);
    assert.equal(closedWith.status, 404);
  });
});

async function waitFor(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
