// One link: a transport connection carrying one bootstrap (§3) and then the encrypted session
// (§4.1). It numbers the device's frames (§4.2) and hands decoded frames to the session. The
// bytes held are bounded: one bootstrap frame (control payloads ≤ 256 KiB) and then whatever
// SecureChannel bounds. Any codec or Noise failure ends the link.

import { concat } from '../bytes.js';
import { controlFrame, encodeFrame, opaqueFrame, tryDecodeFrame } from '../codec/frame.js';
import { CcpError, ErrorKind } from '../errors.js';
import { DeviceHandshake } from './device-handshake.js';

/** The bootstrap's frames are small; a peer that sends more than this before its Ack is cut off. */
const MAX_BOOTSTRAP_BYTES = 512 * 1024;

const Phase = Object.freeze({ AWAIT_AUTH: 'await_auth', AWAIT_ACK: 'await_ack', ESTABLISHED: 'established', CLOSED: 'closed' });

export class Link {
  #conn = null;
  #phase = Phase.AWAIT_AUTH;
  #handshake;
  #pending = new Uint8Array(0);
  #channel = null;
  #sequence = 0;
  #handlers = null;
  #early = [];
  #closeCause = undefined;
  #settle;
  /** What the Ack said; set once established. */
  established = null;
  /** The transport's name ('binary', 'websocket', 'sse', 'long-poll'). */
  transportName;

  /** The Noise pattern of this link's bootstrap ('XK' or 'IK'). */
  pattern;

  constructor(handshake, transportName) {
    this.#handshake = handshake;
    this.transportName = transportName;
    this.pattern = handshake.pattern;
  }

  /**
   * Opens a link over `transport` and runs the bootstrap.
   * @param {{name: string, open: Function}} transport
   * @param {ConstructorParameters<typeof DeviceHandshake>[0]} handshakeOptions
   * @param {number} timeoutMs how long the bootstrap may take
   * @returns {Promise<Link>} established; rejects with a CcpError
   */
  static async establish(transport, handshakeOptions, timeoutMs = 15000) {
    const link = new Link(new DeviceHandshake(handshakeOptions), transport.name);
    const done = new Promise((resolve, reject) => {
      link.#settle = { resolve, reject };
    });
    const timer = setTimeout(() => link.#fail(new CcpError(ErrorKind.UNREACHABLE, 'the bootstrap took too long')), timeoutMs);
    try {
      link.#conn = await transport.open({ onBytes: (b) => link.#onBytes(b), onClose: (e) => link.#onTransportClose(e) });
      if (link.#phase === Phase.CLOSED) {
        link.#conn.close();
      } else {
        link.#conn.send(encodeFrame(link.#handshake.hello()));
      }
    } catch (e) {
      link.#fail(e instanceof CcpError ? e : new CcpError(ErrorKind.UNREACHABLE, 'cannot connect', { cause: e }));
    }
    try {
      return await done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts delivering frames: `onFrame(frame)` for each, `onClose(error|null)` once, last. */
  attach(handlers) {
    this.#handlers = handlers;
    for (const frame of this.#early.splice(0)) handlers.onFrame(frame);
    if (this.#closeCause !== undefined) handlers.onClose(this.#closeCause);
  }

  /** Sends a control frame; returns its sequence number. */
  sendControl(type, channel, json) {
    return this.#send((seq) => controlFrame(type, channel, seq, json));
  }

  /** Sends an opaque frame; returns its sequence number. */
  sendOpaque(type, channel, payload) {
    return this.#send((seq) => opaqueFrame(type, channel, seq, payload));
  }

  #send(make) {
    if (this.#phase !== Phase.ESTABLISHED) throw new CcpError(ErrorKind.UNREACHABLE, 'the link is closed');
    const sequence = this.#sequence++;
    this.#conn.send(this.#channel.seal(make(sequence)));
    return sequence;
  }

  get open() {
    return this.#phase === Phase.ESTABLISHED;
  }

  /** Closes the link; onClose(null) follows. */
  close() {
    this.#end(null);
  }

  #onBytes(bytes) {
    try {
      if (this.#phase === Phase.ESTABLISHED) {
        for (const frame of this.#channel.open(bytes)) this.#deliver(frame);
        return;
      }
      if (this.#phase === Phase.CLOSED) return;
      let buffer = this.#pending.length ? concat(this.#pending, bytes) : bytes;
      if (buffer.length > MAX_BOOTSTRAP_BYTES) throw new CcpError(ErrorKind.PROTOCOL, 'bootstrap too large');
      let at = 0;
      while (this.#phase !== Phase.ESTABLISHED) {
        const decoded = tryDecodeFrame(buffer, at);
        if (decoded === null) break;
        at = decoded.next;
        this.#onBootstrapFrame(decoded.frame);
      }
      buffer = buffer.subarray(at);
      this.#pending = new Uint8Array(0);
      if (this.#phase === Phase.ESTABLISHED) {
        this.#settle.resolve(this);
        if (buffer.length) for (const frame of this.#channel.open(buffer)) this.#deliver(frame);
      } else {
        this.#pending = buffer.slice();
      }
    } catch (e) {
      const error = e instanceof CcpError ? e : new CcpError(ErrorKind.PROTOCOL, 'the server broke the protocol', { cause: e });
      this.#fail(error);
    }
  }

  #onBootstrapFrame(frame) {
    if (this.#phase === Phase.AWAIT_AUTH) {
      this.#conn.send(encodeFrame(this.#handshake.onServerAuth(frame)));
      this.#phase = Phase.AWAIT_ACK;
    } else {
      this.established = this.#handshake.onAck(frame);
      this.#channel = this.established.channel;
      this.#sequence = this.established.nextSequence;
      this.#phase = Phase.ESTABLISHED;
    }
  }

  #deliver(frame) {
    if (this.#handlers) this.#handlers.onFrame(frame);
    else this.#early.push(frame);
  }

  #onTransportClose(error) {
    if (error instanceof CcpError && error.kind === ErrorKind.REFUSED) {
      this.#end(error);
      return;
    }
    const cause = this.#phase === Phase.ESTABLISHED
      ? new CcpError(ErrorKind.UNREACHABLE, 'the link was lost', { cause: error ?? undefined })
      : new CcpError(ErrorKind.UNREACHABLE, 'the link closed during the bootstrap', { cause: error ?? undefined });
    this.#end(cause);
  }

  #fail(error) {
    this.#end(error);
  }

  #end(cause) {
    if (this.#phase === Phase.CLOSED) return;
    const wasEstablished = this.#phase === Phase.ESTABLISHED;
    this.#phase = Phase.CLOSED;
    try {
      this.#conn?.close();
    } catch {
      // already gone
    }
    if (!wasEstablished) {
      this.#settle.reject(cause ?? new CcpError(ErrorKind.CLOSED, 'closed during the bootstrap'));
      return;
    }
    this.#closeCause = cause;
    if (this.#handlers) this.#handlers.onClose(cause);
  }
}
