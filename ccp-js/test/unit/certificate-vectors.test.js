import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import {
  canonicalCertificateJson, certificateFromJson, certificateToJson, signCertificate, verifyCertificate,
} from '../../src/crypto/certificate.js';
import { DeviceKey } from '../../src/crypto/device-key.js';
import { parseJson, stringifyJson } from '../../src/codec/json.js';
import { knownKeys, loadVectors } from '../support/vectors.js';

const vectors = loadVectors('certificates.json');

describe('certificates.json', () => {
  it('has only the sections this test knows, and its CA key derives from its seed', () => {
    assert.deepEqual(Object.keys(vectors).sort(), ['ca_private_hex', 'ca_public_hex', 'ca_seed_hex', 'description', 'invalid', 'valid']);
    const ca = DeviceKey.fromSeed(fromHex(vectors.ca_seed_hex));
    assert.equal(toHex(ca.secretKey()), vectors.ca_private_hex);
    assert.equal(toHex(ca.publicKey), vectors.ca_public_hex);
  });

  for (const e of vectors.valid) {
    it(`${e.name}: canonical bytes, verification and a deterministic signature`, () => {
      knownKeys(e, ['name', 'canonical_json', 'signature_hex', 'wire_json'], assert);
      const cert = certificateFromJson(e.wire_json);
      assert.equal(canonicalCertificateJson(cert), e.canonical_json);
      assert.equal(cert.signature, e.signature_hex);
      verifyCertificate(cert, vectors.ca_public_hex);
      assert.equal(stringifyJson(certificateToJson(cert)), e.wire_json);
      const { signature, issuer, ...fields } = certificateFromJson(e.canonical_json);
      const signed = signCertificate(fields, fromHex(vectors.ca_private_hex));
      assert.equal(signed.signature, e.signature_hex);
      assert.deepEqual(parseJson(stringifyJson(certificateToJson(signed))), parseJson(e.wire_json));
    });
  }

  for (const e of vectors.invalid) {
    it(`${e.name}: rejected`, () => {
      knownKeys(e, ['name', 'wire_json'], assert);
      assert.throws(() => verifyCertificate(certificateFromJson(e.wire_json), vectors.ca_public_hex), { name: 'CertificateError' });
    });
  }
});
