// §4.1: the established framing, with the Deviation that splits a frame over several Noise
// messages, between two ends of a real XK handshake.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameType } from '../../src/codec/frame-type.js';
import { opaqueFrame } from '../../src/codec/frame.js';
import { readVarint } from '../../src/codec/varint.js';
import { generateKeyPair, NoiseHandshake, NoisePattern } from '../../src/noise/handshake.js';
import { MAX_NOISE_MESSAGE, MAX_PLAINTEXT } from '../../src/noise/limits.js';
import { SecureChannel } from '../../src/noise/secure-channel.js';

function channels() {
  const server = generateKeyPair();
  const prologue = new TextEncoder().encode('commucat');
  const device = new NoiseHandshake({ pattern: NoisePattern.XK, initiator: true, staticKey: generateKeyPair(), remoteStatic: server.publicKey, prologue });
  const responder = new NoiseHandshake({ pattern: NoisePattern.XK, initiator: false, staticKey: server, prologue });
  responder.readMessage(device.writeMessage());
  device.readMessage(responder.writeMessage());
  responder.readMessage(device.writeMessage());
  return { device: new SecureChannel(device.split()), server: new SecureChannel(responder.split()) };
}

function records(wire) {
  const lengths = [];
  for (let at = 0; at < wire.length;) {
    const { value, next } = readVarint(wire, at, wire.length);
    lengths.push(value);
    at = next + value;
  }
  return lengths;
}

describe('SecureChannel', () => {
  it('splits a frame larger than one Noise message over several, each at most 65535 bytes', () => {
    const { device, server } = channels();
    const payload = new Uint8Array(3 * MAX_PLAINTEXT + 1000).map((_, i) => i % 251);
    const wire = device.seal(opaqueFrame(FrameType.Msg, 9, 1, payload));
    const lengths = records(wire);
    assert.equal(lengths.length, 4);
    assert.ok(lengths.every((n) => n <= MAX_NOISE_MESSAGE));
    const frames = server.open(wire);
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0].payload, payload);
  });

  it('reassembles frames from the wire in any chunking', () => {
    const { device, server } = channels();
    const wire = new Uint8Array([
      ...device.seal(opaqueFrame(FrameType.Msg, 1, 1, new Uint8Array(70000).fill(7))),
      ...device.seal(opaqueFrame(FrameType.Msg, 1, 2, new Uint8Array([1, 2, 3]))),
    ]);
    const frames = [];
    for (let at = 0; at < wire.length; at += 977) frames.push(...server.open(wire.subarray(at, at + 977)));
    assert.deepEqual(frames.map((f) => f.sequence), [1, 2]);
    assert.equal(frames[0].payload.length, 70000);
  });

  it('fails closed on a tampered record', () => {
    const { device, server } = channels();
    const wire = device.seal(opaqueFrame(FrameType.Msg, 1, 1, new Uint8Array([1, 2, 3])));
    wire[wire.length - 1] ^= 1;
    assert.throws(() => server.open(wire), { name: 'NoiseError', kind: 'decrypt' });
  });

  it('refuses a record longer than a Noise message before buffering it', () => {
    const { server } = channels();
    assert.throws(() => server.open(new Uint8Array([0x80, 0x80, 0x04])), { name: 'NoiseError', kind: 'too_large' });
  });
});
