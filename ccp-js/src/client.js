// A device's client of one CCP server: enrolment (register, pair with a code, issue codes,
// list and revoke devices) and sessions (connect). The device's identity lives in an identity
// store; keys are made here and never leave the device. Every method is async; the client runs
// its enrolment steps one after the other.

import { fromHex, toHex } from './bytes.js';
import { certificateFromJson, certificateToJson } from './crypto/certificate.js';
import { DeviceKey } from './crypto/device-key.js';
import { signPairingClaim } from './crypto/pairing-proof.js';
import { CcpError, ErrorKind } from './errors.js';
import { generateKeyPair, keyPairOf } from './noise/handshake.js';
import { RestApi } from './rest/rest-api.js';
import { Link } from './session/link.js';
import { CcpSession } from './session/session.js';
import { TransportSelector } from './transport/selector.js';
import { randomBytes } from '@noble/hashes/utils.js';

export class CcpClient {
  #rest;
  #store;
  #selector;
  #options;
  #serverInfo = null;
  #token = null;
  #tail = Promise.resolve();
  #sessions = new Set();

  /**
   * @param {object} o
   * @param {{request: Function}} o.http the REST caller (fetchHttp in browsers, http2Rest in Node)
   * @param {Array<{name: string, open: Function}>} o.transports in order of preference
   * @param {{load(): Promise<object|null>, save(identity: object|null): Promise<void>}} o.identityStore
   * @param {{get(): string|null, set(name: string): void}} [o.transportMemory]
   * @param {string} [o.forceTransport] use only this transport
   * @param {number} [o.backoffInitialMs] 500
   * @param {number} [o.backoffMaxMs] 30000
   * @param {number} [o.bootstrapTimeoutMs] 15000
   */
  constructor(o) {
    this.#rest = new RestApi(o.http);
    this.#store = o.identityStore;
    this.#selector = new TransportSelector(o.transports, { memory: o.transportMemory, force: o.forceTransport });
    this.#options = o;
  }

  /** The stored identity's public facts ({deviceId, userId}), or null. */
  async identity() {
    const stored = await this.#store.load();
    return stored === null ? null : { deviceId: stored.device_id, userId: stored.user_id };
  }

  /** `GET /api/server-info`, cached. */
  async serverInfo(refresh = false) {
    if (refresh || this.#serverInfo === null) this.#serverInfo = await this.#rest.serverInfo();
    return this.#serverInfo;
  }

  /**
   * Makes a new identity and registers it for the user `handle` (created when the server's
   * auto-approval allows it). Rejects HANDSHAKE with `pairingRequired` when pairing is needed.
   */
  register(handle, { displayName } = {}) {
    return this.#serial(async () => {
      await this.#requireNoIdentity();
      const identity = {
        device_id: `dev-${toHex(randomBytes(12))}`,
        user_id: null,
        device_secret: toHex(DeviceKey.generate().secretKey()),
        noise_secret: toHex(generateKeyPair().privateKey),
        certificate: null,
        proven_server_key: null,
      };
      const hints = { handle };
      if (displayName) hints.display_name = displayName;
      const link = await this.#bootstrap(identity, hints);
      link.close();
      return { deviceId: identity.device_id, userId: identity.user_id };
    });
  }

  /**
   * Joins the user who issued `code` as a new device: the key is made here and the claim
   * proves possession of it. A server that returns a key of its own (the original's
   * compatibility mode) is followed.
   */
  pair(code, { deviceName } = {}) {
    return this.#serial(async () => {
      await this.#requireNoIdentity();
      let deviceKey = DeviceKey.generate();
      const claim = { pair_code: code };
      if (deviceName) claim.device_name = deviceName;
      claim.device_public = toHex(deviceKey.publicKey);
      claim.proof = toHex(signPairingClaim(deviceKey, code));
      const answer = await this.#rest.claimPairing(claim);
      if (typeof answer?.device_id !== 'string' || typeof answer?.user_id !== 'string') {
        throw new CcpError(ErrorKind.PROTOCOL, 'the pairing answer lacks device_id or user_id');
      }
      if (typeof answer.private_key === 'string') deviceKey = new DeviceKey(fromHex(answer.private_key));
      let certificate = null;
      if (answer.device_certificate) {
        try {
          certificate = certificateToJson(certificateFromJson(answer.device_certificate));
        } catch {
          throw new CcpError(ErrorKind.PROTOCOL, 'the pairing certificate does not parse');
        }
      }
      await this.#store.save({
        device_id: answer.device_id,
        user_id: answer.user_id,
        device_secret: toHex(deviceKey.secretKey()),
        noise_secret: toHex(generateKeyPair().privateKey),
        certificate,
        proven_server_key: null,
      });
      return { deviceId: answer.device_id, userId: answer.user_id };
    });
  }

  /** A code another device of this user claims to join (`POST /api/pair`). */
  issuePairingCode(ttl) {
    return this.#authenticated((token) => this.#rest.issuePairingCode(token, ttl));
  }

  /** The user's devices (`GET /api/devices`). */
  async devices() {
    const answer = await this.#authenticated((token) => this.#rest.devices(token));
    return answer.devices ?? [];
  }

  /** Revokes another device of the user. */
  revoke(deviceId) {
    return this.#authenticated((token) => this.#rest.revoke(token, deviceId));
  }

  /**
   * Opens a session. Resolves once the first bootstrap succeeded; rejects with why (without
   * retrying). Later losses reconnect with backoff and resume.
   * @param {object} listener onMessage(msg), onFrame(frame), onStateChanged(state, cause), onClosed(cause)
   */
  async connect(listener = {}) {
    const connect = () => this.#serial(async () => {
      const identity = await this.#store.load();
      if (identity === null) throw new CcpError(ErrorKind.STATE, 'no identity: register or pair first');
      return this.#bootstrap(identity, {});
    });
    const session = await CcpSession.start(connect, listener, {
      backoffInitialMs: this.#options.backoffInitialMs,
      backoffMaxMs: this.#options.backoffMaxMs,
      maxOutstanding: this.#options.maxOutstanding,
    });
    this.#sessions.add(session);
    session.closed.then(() => this.#sessions.delete(session));
    return session;
  }

  /** Closes every session of this client. */
  async close() {
    await Promise.all([...this.#sessions].map((s) => s.close()));
  }

  /** Runs `operation` after the previous one finished. */
  #serial(operation) {
    const result = this.#tail.then(operation);
    this.#tail = result.catch(() => {});
    return result;
  }

  async #requireNoIdentity() {
    if ((await this.#store.load()) !== null) throw new CcpError(ErrorKind.STATE, 'this device already has an identity');
  }

  async #authenticated(call) {
    if (this.#token === null) await this.#freshToken();
    try {
      return await call(this.#token);
    } catch (e) {
      if (!(e instanceof CcpError) || e.status !== 401) throw e;
      await this.#freshToken();
      return call(this.#token);
    }
  }

  async #freshToken() {
    await this.#serial(async () => {
      const identity = await this.#store.load();
      if (identity === null) throw new CcpError(ErrorKind.STATE, 'no identity: register or pair first');
      (await this.#bootstrap(identity, {})).close();
    });
  }

  /**
   * One bootstrap over the selected transport: IK when this identity already proved the
   * server's key, else XK; a refused IK (the server's key may have changed) falls back to XK
   * at once with a fresh server-info. Saves what the Ack taught (user, certificate, key).
   */
  async #bootstrap(identity, hints) {
    const info = await this.serverInfo();
    const proven = identity.proven_server_key;
    const usable = proven && (info.noise_keys ?? []).some((k) => k.public === proven);
    let link;
    if (usable) {
      try {
        link = await this.#establish(identity, hints, info, 'IK', proven);
      } catch (e) {
        if (!(e instanceof CcpError) || e.kind !== ErrorKind.HANDSHAKE || e.pairingRequired) throw e;
      }
    }
    if (!link) {
      const fresh = usable ? await this.serverInfo(true) : info;
      link = await this.#establish(identity, hints, fresh, 'XK', fresh.noise_public);
    }
    const est = link.established;
    this.#token = est.session;
    identity.user_id = est.userId ?? identity.user_id;
    if (est.certificate) identity.certificate = certificateToJson(est.certificate);
    identity.proven_server_key = toHex(fromHex(link.serverKey));
    await this.#store.save(identity);
    return link;
  }

  async #establish(identity, hints, info, pattern, serverKeyHex) {
    const handshake = {
      identity: {
        deviceId: identity.device_id,
        deviceKey: new DeviceKey(fromHex(identity.device_secret)),
        noiseKey: keyPairOf(fromHex(identity.noise_secret)),
        certificate: identity.certificate ? certificateFromJson(identity.certificate) : null,
      },
      domain: info.domain,
      serverNoiseKey: fromHex(serverKeyHex),
      pattern,
      hints,
    };
    const link = await this.#selector.establish((transport) =>
      Link.establish(transport, handshake, this.#options.bootstrapTimeoutMs ?? 15000));
    link.serverKey = serverKeyHex;
    return link;
  }
}
