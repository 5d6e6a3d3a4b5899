import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { DeviceKey } from '../../src/crypto/device-key.js';
import { proofContext, prove, verifyProof } from '../../src/crypto/handshake-proof.js';
import { knownKeys, loadVectors } from '../support/vectors.js';

const vectors = loadVectors('zkp.json');
const ENTRY_KEYS = ['name', 'domain', 'device_id', 'device_public', 'client_static', 'context_hex', 'zkp', 'hardening'];

const inputs = (e) => ({
  domain: e.domain, deviceId: e.device_id, devicePublic: fromHex(e.device_public), clientStatic: fromHex(e.client_static),
});
const proofOf = (e) => ({ commitment: fromHex(e.zkp.commitment), response: fromHex(e.zkp.response) });
const keyFor = (publicHex) => vectors.device_keys.find((k) => k.public_hex === publicHex);

describe('zkp.json', () => {
  it('has only the sections this test knows', () => {
    assert.deepEqual(Object.keys(vectors).sort(), ['description', 'device_keys', 'invalid', 'valid']);
  });

  for (const k of vectors.device_keys) {
    it(`derives the device key of seed ${k.name}`, () => {
      knownKeys(k, ['name', 'seed_hex', 'private_hex', 'public_hex'], assert);
      const key = DeviceKey.fromSeed(fromHex(k.seed_hex));
      assert.equal(toHex(key.secretKey()), k.private_hex);
      assert.equal(toHex(key.publicKey), k.public_hex);
    });
  }

  for (const e of vectors.valid) {
    it(`accepts valid proof ${e.name} and builds its context`, () => {
      knownKeys(e, ENTRY_KEYS, assert);
      const i = inputs(e);
      assert.equal(toHex(proofContext(i.domain, i.deviceId, i.devicePublic, i.clientStatic)), e.context_hex);
      assert.equal(verifyProof(i, proofOf(e)), true);
    });

    it(`makes its own proof for ${e.name} that verifies`, () => {
      const k = keyFor(e.device_public);
      assert.ok(k, 'a device key for this entry');
      const key = DeviceKey.fromSeed(fromHex(k.seed_hex));
      const i = inputs(e);
      const proof = prove(key, { domain: i.domain, deviceId: i.deviceId, clientStatic: i.clientStatic });
      assert.equal(verifyProof(i, proof), true);
      assert.equal(verifyProof({ ...i, domain: i.domain + '.evil' }, proof), false);
    });
  }

  for (const e of vectors.invalid) {
    it(`rejects invalid proof ${e.name}`, () => {
      knownKeys(e, ENTRY_KEYS, assert);
      if (e.hardening !== undefined) assert.ok(['small_order', 'non_canonical'].includes(e.hardening), e.hardening);
      const i = inputs(e);
      assert.equal(toHex(proofContext(i.domain, i.deviceId, i.devicePublic, i.clientStatic)), e.context_hex);
      assert.equal(verifyProof(i, proofOf(e)), false);
    });
  }
});
