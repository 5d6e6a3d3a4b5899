import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { keyPairOf, NoiseHandshake, NoisePattern } from '../../src/noise/handshake.js';
import { knownKeys, loadVectors } from '../support/vectors.js';

const vectors = loadVectors('noise.json');
const KEYS = ['protocol_name', 'init_prologue', 'init_static', 'init_ephemeral', 'init_remote_static',
  'resp_prologue', 'resp_static', 'resp_ephemeral', 'handshake_hash', 'messages'];

function patternOf(name) {
  const match = /^Noise_(XK|IK)_25519_ChaChaPoly_BLAKE2s$/.exec(name);
  assert.ok(match, `unsupported protocol ${name}`);
  return NoisePattern[match[1]];
}

function sides(v) {
  const pattern = patternOf(v.protocol_name);
  const initiator = new NoiseHandshake({
    pattern, initiator: true, staticKey: keyPairOf(fromHex(v.init_static)),
    remoteStatic: fromHex(v.init_remote_static), prologue: fromHex(v.init_prologue), ephemeral: fromHex(v.init_ephemeral),
  });
  const responder = new NoiseHandshake({
    pattern, initiator: false, staticKey: keyPairOf(fromHex(v.resp_static)),
    prologue: fromHex(v.resp_prologue), ephemeral: fromHex(v.resp_ephemeral),
  });
  return { pattern, initiator, responder };
}

describe('noise.json', () => {
  for (const v of vectors.vectors) {
    it(`${v.protocol_name}: reproduces every ciphertext as initiator and decrypts as responder`, () => {
      knownKeys(v, KEYS, assert);
      const { pattern, initiator, responder } = sides(v);
      let send = initiator;
      let receive = responder;
      let transports = null;
      v.messages.forEach((m, i) => {
        knownKeys(m, ['payload', 'ciphertext'], assert);
        const payload = fromHex(m.payload);
        let ciphertext;
        let plaintext;
        if (i < pattern.messages.length) {
          ciphertext = send.writeMessage(payload);
          plaintext = receive.readMessage(ciphertext);
          if (i === pattern.messages.length - 1) {
            assert.equal(toHex(initiator.handshakeHash), v.handshake_hash);
            assert.equal(toHex(responder.handshakeHash), v.handshake_hash);
            transports = { i: initiator.split(), r: responder.split() };
          }
        } else {
          const fromInitiator = send === initiator;
          ciphertext = (fromInitiator ? transports.i : transports.r).encrypt(payload);
          plaintext = (fromInitiator ? transports.r : transports.i).decrypt(fromHex(m.ciphertext));
        }
        assert.equal(toHex(ciphertext), m.ciphertext, `message ${i}`);
        assert.equal(toHex(plaintext), m.payload, `message ${i}`);
        [send, receive] = [receive, send];
      });
    });

    it(`${v.protocol_name}: the responder rejects a tampered first message`, () => {
      const first = fromHex(v.messages[0].ciphertext);
      for (let i = 0; i < first.length; i++) {
        const { responder } = sides(v);
        const tampered = first.slice();
        tampered[i] ^= 1;
        assert.throws(() => responder.readMessage(tampered), `byte ${i}`);
      }
    });
  }
});
