// Device certificates (ccp-1.md §3.6): Ed25519 by the device CA over compact JSON with a fixed
// key order. Verification re-makes the signed bytes from the parsed fields, never trusting the
// received text. `serial` is a BigInt (a u64).

import { ed25519 } from '@noble/curves/ed25519.js';
import { equalBytes, fromHex, toHex, utf8 } from '../bytes.js';
import { parseJson, stringifyJson } from '../codec/json.js';

const FIELDS = ['serial', 'user_id', 'device_id', 'public_key', 'issuer', 'issued_at', 'expires_at'];
const U64_MAX = (1n << 64n) - 1n;

export class CertificateError extends Error {
  constructor(reason) {
    super(`certificate: ${reason}`);
    this.name = 'CertificateError';
    this.reason = reason;
  }
}

const isInteger = (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';

/**
 * The certificate fields of a parsed JSON object (wire form, with or without `signature`).
 * @throws {CertificateError} when a field is missing or of the wrong type
 */
export function certificateFromJson(json) {
  if (typeof json === 'string') json = parseJson(json);
  if (json === null || typeof json !== 'object') throw new CertificateError('not an object');
  for (const key of ['user_id', 'device_id', 'public_key', 'issuer']) {
    if (typeof json[key] !== 'string') throw new CertificateError(`${key} missing`);
  }
  for (const key of ['serial', 'issued_at', 'expires_at']) {
    if (!isInteger(json[key])) throw new CertificateError(`${key} missing`);
  }
  const serial = BigInt(json.serial);
  if (serial < 0n || serial > U64_MAX) throw new CertificateError('serial out of range');
  const cert = {
    serial,
    user_id: json.user_id,
    device_id: json.device_id,
    public_key: json.public_key.toLowerCase(),
    issuer: json.issuer.toLowerCase(),
    issued_at: Number(json.issued_at),
    expires_at: Number(json.expires_at),
  };
  if (json.signature !== undefined) {
    if (typeof json.signature !== 'string') throw new CertificateError('signature missing');
    cert.signature = json.signature.toLowerCase();
  }
  return Object.freeze(cert);
}

/** The signed bytes: compact JSON in the key order of §3.6. */
export function canonicalCertificateJson(cert) {
  const ordered = {};
  for (const key of FIELDS) ordered[key] = cert[key];
  return stringifyJson(ordered);
}

/** The wire object: the fields, then `signature` (a plain object ready for a control frame). */
export function certificateToJson(cert) {
  const ordered = {};
  for (const key of FIELDS) ordered[key] = cert[key];
  ordered.signature = cert.signature;
  return ordered;
}

/** Signs `fields` with the CA secret key; returns the certificate with its signature. */
export function signCertificate(fields, caSecretKey) {
  const issuer = toHex(ed25519.getPublicKey(caSecretKey));
  const cert = certificateFromJson({ ...fields, issuer });
  const signature = ed25519.sign(utf8(canonicalCertificateJson(cert)), caSecretKey);
  return Object.freeze({ ...cert, signature: toHex(signature) });
}

/**
 * Verifies a certificate against the CA public key (hex or bytes).
 * @throws {CertificateError} on a foreign issuer or a bad signature
 */
export function verifyCertificate(cert, caPublic) {
  const ca = typeof caPublic === 'string' ? fromHex(caPublic) : caPublic;
  let issuer;
  let signature;
  try {
    issuer = fromHex(cert.issuer);
    signature = fromHex(cert.signature ?? '');
  } catch {
    throw new CertificateError('malformed hex');
  }
  if (!equalBytes(issuer, ca)) throw new CertificateError('foreign issuer');
  let valid = false;
  try {
    valid = signature.length === 64 && ed25519.verify(signature, utf8(canonicalCertificateJson(cert)), ca);
  } catch {
    valid = false;
  }
  if (!valid) throw new CertificateError('bad signature');
}
