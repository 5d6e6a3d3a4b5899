// The device side of the CCP-1 bootstrap (ccp-1.md §3), transport-neutral: it makes the frames
// a device sends and reads the server's answers; the caller moves the bytes. One instance per
// attempt. States: START → HELLO_SENT → AUTH_SENT → DONE (or FAILED); a call out of order is
// a protocol error.

import { fromHex, toHex, utf8 } from '../bytes.js';
import { FrameType } from '../codec/frame-type.js';
import { controlFrame } from '../codec/frame.js';
import { certificateFromJson, certificateToJson } from '../crypto/certificate.js';
import { prove } from '../crypto/handshake-proof.js';
import { CcpError, ErrorKind } from '../errors.js';
import { NoiseHandshake, NoisePattern } from '../noise/handshake.js';
import { SecureChannel } from '../noise/secure-channel.js';

/** The default Noise prologue (§3.7). */
export const DEFAULT_PROLOGUE = utf8('commucat');
export const SUPPORTED_VERSIONS = Object.freeze([1]);

const State = Object.freeze({ START: 'start', HELLO_SENT: 'hello_sent', AUTH_SENT: 'auth_sent', DONE: 'done', FAILED: 'failed' });

const protocolError = (message) => new CcpError(ErrorKind.PROTOCOL, message);

/** An Error frame during the bootstrap, as a HANDSHAKE failure carrying the server's words. */
export function refusal(frame) {
  const c = frame.control ?? {};
  const code = typeof c.error === 'string' ? c.error : 'handshake';
  const detail = typeof c.detail === 'string' ? c.detail : null;
  const pairingRequired = c.pairing_required === true || (detail ?? '').includes('pairing_required');
  return new CcpError(ErrorKind.HANDSHAKE, 'the server refused the bootstrap', { code, detail, pairingRequired });
}

export class DeviceHandshake {
  #state = State.START;
  #nextSequence = 1;
  #identity;
  #domain;
  #pattern;
  #hints;
  #noise;
  #transport = null;
  #session = null;

  /**
   * @param {object} o
   * @param {{deviceId: string, deviceKey: import('../crypto/device-key.js').DeviceKey,
   *   noiseKey: {privateKey: Uint8Array, publicKey: Uint8Array}, certificate?: object}} o.identity
   * @param {string} o.domain the server's domain (server-info)
   * @param {Uint8Array} o.serverNoiseKey the server's Noise static public key
   * @param {'XK'|'IK'} o.pattern
   * @param {{id?: string, handle?: string, display_name?: string, avatar_url?: string}} [o.hints]
   * @param {Uint8Array} [o.prologue]
   */
  constructor({ identity, domain, serverNoiseKey, pattern, hints, prologue = DEFAULT_PROLOGUE }) {
    this.#identity = identity;
    this.#domain = domain;
    this.#pattern = NoisePattern[pattern];
    if (!this.#pattern) throw new TypeError('pattern must be XK or IK');
    this.#hints = hints ?? {};
    this.#noise = new NoiseHandshake({
      pattern: this.#pattern, initiator: true, staticKey: identity.noiseKey, remoteStatic: serverNoiseKey, prologue,
    });
  }

  get pattern() {
    return this.#pattern.name;
  }

  /** The sequence number of the device's next frame on this connection (§4.2). */
  get nextSequence() {
    return this.#nextSequence;
  }

  #expect(state) {
    if (this.#state !== state) throw protocolError(`bootstrap step out of order (${this.#state})`);
  }

  /** Step 1: the Hello with Noise message 1 and the proof of the device key. */
  hello() {
    this.#expect(State.START);
    const id = this.#identity;
    const proof = prove(id.deviceKey, { domain: this.#domain, deviceId: id.deviceId, clientStatic: id.noiseKey.publicKey });
    const hello = {
      pattern: this.#pattern.name,
      supported_versions: [...SUPPORTED_VERSIONS],
      device_id: id.deviceId,
      handshake: toHex(this.#noise.writeMessage()),
      client_static: toHex(id.noiseKey.publicKey),
      device_public: toHex(id.deviceKey.publicKey),
      zkp: { commitment: toHex(proof.commitment), response: toHex(proof.response) },
    };
    const user = {};
    for (const key of ['id', 'handle', 'display_name', 'avatar_url']) {
      if (typeof this.#hints[key] === 'string') user[key] = this.#hints[key];
    }
    if (Object.keys(user).length > 0) hello.user = user;
    if (id.certificate) hello.certificate = certificateToJson(id.certificate);
    this.#state = State.HELLO_SENT;
    return controlFrame(FrameType.Hello, 0, this.#nextSequence++, hello);
  }

  /** Steps 2–3: reads the server's Auth (or Error) and returns the device's Auth. */
  onServerAuth(frame) {
    this.#expect(State.HELLO_SENT);
    this.#state = State.FAILED;
    if (frame.type === FrameType.Error) throw refusal(frame);
    if (frame.type !== FrameType.Auth) throw protocolError('expected Auth');
    const { handshake, session } = frame.control;
    if (typeof handshake !== 'string' || typeof session !== 'string') throw protocolError('Auth lacks handshake or session');
    let confirmation;
    try {
      this.#noise.readMessage(fromHex(handshake));
      if (this.#pattern === NoisePattern.XK) {
        confirmation = this.#noise.writeMessage();
        this.#transport = this.#noise.split();
      } else {
        // IK ends with message 2; the device confirms with an empty transport message (§3.4).
        this.#transport = this.#noise.split();
        confirmation = this.#transport.encrypt(new Uint8Array(0));
      }
    } catch {
      throw protocolError("the server's Noise message 2 is invalid");
    }
    this.#session = session;
    this.#state = State.AUTH_SENT;
    return controlFrame(FrameType.Auth, frame.channel, this.#nextSequence++, { handshake: toHex(confirmation) });
  }

  /**
   * Step 4: the server's Ack; the session is established.
   * @returns {{session: string, userId: string|null, user: object|null, certificate: object|null,
   *   keepaliveInterval: number, pairingRequired: boolean, ack: object, channel: SecureChannel, nextSequence: number}}
   */
  onAck(frame) {
    this.#expect(State.AUTH_SENT);
    this.#state = State.FAILED;
    if (frame.type === FrameType.Error) throw refusal(frame);
    if (frame.type !== FrameType.Ack) throw protocolError('expected Ack');
    const ack = frame.control;
    if (ack.handshake !== 'ok') throw protocolError('the Ack does not confirm the handshake');
    let certificate = null;
    if (ack.device_certificate && typeof ack.device_certificate === 'object') {
      try {
        certificate = certificateFromJson(ack.device_certificate);
      } catch {
        throw protocolError('the Ack carries a malformed certificate');
      }
    }
    this.#state = State.DONE;
    const keepalive = Number.isInteger(ack.keepalive_interval) && ack.keepalive_interval > 0 ? ack.keepalive_interval : 30;
    return {
      session: typeof ack.session === 'string' ? ack.session : this.#session,
      userId: typeof ack.user_id === 'string' ? ack.user_id : null,
      user: ack.user && typeof ack.user === 'object' ? ack.user : null,
      certificate,
      keepaliveInterval: keepalive,
      pairingRequired: ack.pairing_required === true,
      ack,
      channel: new SecureChannel(this.#transport),
      nextSequence: this.#nextSequence,
    };
  }
}
