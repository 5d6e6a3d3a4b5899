// The whole stack against a real server over HTTP/2: enrolment, XK then IK, channels, messages
// and acks both ways, a cut link that reconnects with nothing lost or duplicated.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNodeClient, CcpError, ErrorKind, SessionState } from '../../src/node.js';
import { eventually, startServer } from '../support/server.js';

const text = (bytes) => new TextDecoder().decode(bytes);
let server;
const origins = [];
let handles = 0;

function newClient(options = {}) {
  const made = createNodeClient({ server: server.url, ca: server.ca, backoffInitialMs: 50, backoffMaxMs: 500, ...options });
  origins.push(made);
  return made;
}

/** Two devices of one user, both connected and members of `channel`. */
async function pairOfDevices(channel) {
  const a = newClient();
  await a.client.register(`js-user-${process.pid}-${handles++}`);
  const code = await a.client.issuePairingCode();
  const b = newClient();
  await b.client.pair(code.pair_code, { deviceName: 'second' });
  a.got = [];
  b.got = [];
  a.session = await a.client.connect({ onMessage: (m) => a.got.push(text(m.payload)) });
  b.session = await b.client.connect({ onMessage: (m) => b.got.push(text(m.payload)) });
  const members = [(await a.client.identity()).deviceId, (await b.client.identity()).deviceId];
  await a.session.join(channel, members);
  await b.session.join(channel, members);
  return { a, b };
}

describe('ccp-js against a real server (HTTP/2 binary transport)', () => {
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    for (const made of origins) {
      await made.client.close();
      made.origin.disconnect();
    }
    await server?.stop();
  });

  it('registers a device with XK and reconnects with IK once the server key is proven', async () => {
    const { client } = newClient();
    const enrolment = await client.register(`js-reg-${process.pid}`);
    assert.match(enrolment.deviceId, /^dev-[0-9a-f]{24}$/);
    assert.ok(enrolment.userId);
    const session = await client.connect();
    assert.equal(session.pattern, 'IK');
    assert.equal(session.transport, 'binary');
    assert.equal(session.established.userId, enrolment.userId);
    await session.close();
  });

  it('pairs a second device with a key made on the device', async () => {
    const a = newClient();
    await a.client.register(`js-pair-${process.pid}`);
    const code = await a.client.issuePairingCode();
    assert.match(code.pair_code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const b = newClient();
    const paired = await b.client.pair(code.pair_code, { deviceName: 'tablet' });
    assert.equal(paired.userId, (await a.client.identity()).userId);
    const session = await b.client.connect();
    assert.equal(session.pattern, 'XK');
    const devices = await a.client.devices();
    const second = devices.find((d) => d.device_id === paired.deviceId);
    assert.equal(second.name, 'tablet');
    assert.equal(second.status, 'active');
    await session.close();
  });

  it('is told to pair when it registers under the handle of an existing user', async () => {
    const handle = `js-taken-${process.pid}`;
    await newClient().client.register(handle);
    await assert.rejects(newClient().client.register(handle),
      (e) => e instanceof CcpError && e.kind === ErrorKind.HANDSHAKE && e.pairingRequired === true);
  });

  it('ends the session of a revoked device for good, with the server error as the cause', async () => {
    const { a, b } = await pairOfDevices(15);
    let closedWith;
    await b.session.close();
    const session = await b.client.connect({ onClosed: (cause) => { closedWith = cause; } });
    await a.client.revoke((await b.client.identity()).deviceId);
    const cause = await session.closed;
    assert.equal(cause, closedWith);
    assert.ok(cause instanceof CcpError);
    assert.equal(cause.code, 'revoked');
    assert.equal(session.state, SessionState.CLOSED);
    await a.session.close();
  });

  it('refuses a reused pairing code', async () => {
    const a = newClient();
    await a.client.register(`js-reuse-${process.pid}`);
    const code = await a.client.issuePairingCode();
    await newClient().client.pair(code.pair_code);
    await assert.rejects(newClient().client.pair(code.pair_code), (e) => e instanceof CcpError && e.kind === ErrorKind.REFUSED);
  });

  it('exchanges messages both ways, each send resolving on its Ack', async () => {
    const { a, b } = await pairOfDevices(11);
    const ack = await a.session.send(11, 'from a');
    assert.ok(Number.isInteger(ack.ack));
    await b.session.send(11, 'from b');
    await eventually(() => b.got.length === 1 && a.got.length === 1, 15000, 'both messages');
    assert.deepEqual(b.got, ['from a']);
    assert.deepEqual(a.got, ['from b']);
    await a.session.close();
    await b.session.close();
  });

  it('rejects a send to a channel the device is not a member of with the server error', async () => {
    const { a } = await pairOfDevices(12);
    await assert.rejects(a.session.send(4242, 'nobody'), (e) => e instanceof CcpError && e.kind === ErrorKind.REFUSED && typeof e.code === 'string');
    await a.session.close();
  });

  it('reconnects after a cut link: messages queued meanwhile arrive once, requests made meanwhile are resumed', async () => {
    const { a, b } = await pairOfDevices(13);
    const states = [];
    b.origin.disconnect();
    await eventually(() => b.session.state === SessionState.RECONNECTING || b.session.state === SessionState.CONNECTED, 5000);
    const sentWhileDown = b.session.send(13, 'b resumed');
    for (let i = 0; i < 5; i++) await a.session.send(13, `queued ${i}`);
    await sentWhileDown;
    await eventually(() => b.got.length === 5 && a.got.length === 1, 20000, 'all messages after the reconnect');
    assert.deepEqual(b.got, ['queued 0', 'queued 1', 'queued 2', 'queued 3', 'queued 4']);
    assert.deepEqual(a.got, ['b resumed']);
    assert.equal(b.session.state, SessionState.CONNECTED);
    assert.equal(b.session.pattern, 'IK');
    states.push(b.session.state);
    await a.session.close();
    await b.session.close();
  });

  it('drops a redelivery of a message whose handler ran but whose Ack was lost with the link', async () => {
    const { a, b } = await pairOfDevices(14);
    const seen = [];
    // A fresh session for b whose handler cuts the link before the Ack can go out.
    await b.session.close();
    let cut = false;
    const session = await b.client.connect({
      onMessage: (m) => {
        seen.push(text(m.payload));
        if (!cut) {
          cut = true;
          b.origin.disconnect();
        }
      },
    });
    await a.session.send(14, 'once');
    await eventually(() => cut && session.state === SessionState.CONNECTED, 20000, 'the reconnect');
    await a.session.send(14, 'after');
    await eventually(() => seen.includes('after'), 20000, 'the next message');
    assert.deepEqual(seen, ['once', 'after']);
    await a.session.close();
    await session.close();
  });
});
