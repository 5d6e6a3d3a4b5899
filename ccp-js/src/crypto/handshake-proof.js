// The handshake proof (ccp-1.md §3.5): Schnorr over Edwards25519 with a BLAKE3 challenge,
// bound to the domain, the device id and both public keys. Point and scalar arithmetic come
// from @noble/curves; only the protocol is here.

import { ed25519 } from '@noble/curves/ed25519.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concat, equalBytes, u32le, u64le, utf8 } from '../bytes.js';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const DOMAIN_SEPARATOR = utf8('commucat:zkp:handshake:v1');

const bytesToNumberLE = (bytes) => {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
};
const numberToBytesLE = (n, length) => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};
const mod = (n) => ((n % L) + L) % L;

/** ctx = D || u32le(len(domain)) || domain || u32le(len(device_id)) || device_id || device_public || client_static */
export function proofContext(domain, deviceId, devicePublic, clientStatic) {
  const d = utf8(domain);
  const id = utf8(deviceId);
  return concat(DOMAIN_SEPARATOR, u32le(d.length), d, u32le(id.length), id, devicePublic, clientStatic);
}

/** c = BLAKE3-XOF(D || u64le(len(ctx)) || ctx || A || R), 64 bytes little-endian, mod ℓ. */
function challenge(context, devicePublic, commitment) {
  const input = concat(DOMAIN_SEPARATOR, u64le(context.length), context, devicePublic, commitment);
  return mod(bytesToNumberLE(blake3(input, { dkLen: 64 })));
}

/**
 * Proves knowledge of `deviceKey`'s secret scalar for this context.
 * @returns {{commitment: Uint8Array, response: Uint8Array}}
 */
export function prove(deviceKey, { domain, deviceId, clientStatic }) {
  const context = proofContext(domain, deviceId, deviceKey.publicKey, clientStatic);
  const r = mod(bytesToNumberLE(randomBytes(64)));
  const commitment = Point.BASE.multiply(r).toBytes();
  const c = challenge(context, deviceKey.publicKey, commitment);
  const s = mod(r + c * deviceKey.secretScalar());
  return { commitment, response: numberToBytesLE(s, 32) };
}

/** A canonical, non-small-order point, or null (the hardening of §3.5). */
function strictPoint(bytes) {
  if (bytes.length !== 32) return null;
  let point;
  try {
    point = Point.fromBytes(bytes);
  } catch {
    return null;
  }
  // Re-encoding must give the same bytes: this rejects y ≥ p and x = 0 with the sign bit set.
  if (!equalBytes(point.toBytes(), bytes) || point.isSmallOrder()) return null;
  return point;
}

/** Whether `proof` proves knowledge of `devicePublic`'s key for this context (verifier side). */
export function verifyProof({ domain, deviceId, devicePublic, clientStatic }, { commitment, response }) {
  const A = strictPoint(devicePublic);
  const R = strictPoint(commitment);
  if (A === null || R === null || response.length !== 32) return false;
  const s = bytesToNumberLE(response);
  if (s >= L) return false;
  const c = challenge(proofContext(domain, deviceId, devicePublic, clientStatic), devicePublic, commitment);
  const left = s === 0n ? Point.ZERO : Point.BASE.multiply(s);
  const right = c === 0n ? R : R.add(A.multiply(c));
  return left.equals(right);
}
