// A device's established session across links (ccp-1.md §4): requests that resolve on the
// server's Ack, deliveries acknowledged after the application's handler returns, redeliveries
// dropped, presence, and reconnect with backoff and resume (unacknowledged requests re-sent in
// order on the next link).
//
// States: CONNECTED ⇄ RECONNECTING → CLOSED (CLOSED is final). JavaScript runs one callback at a
// time; listener calls are also serialised through one promise chain, so an async onMessage
// holds back the next delivery until it settles.

import { FrameType } from '../codec/frame-type.js';
import { CcpError, ErrorKind } from '../errors.js';
import { Backoff } from './backoff.js';
import { DeliveryFilter } from './delivery-filter.js';

export const SessionState = Object.freeze({ CONNECTED: 'connected', RECONNECTING: 'reconnecting', CLOSED: 'closed' });

/** Delivered frames the device acknowledges (§4.2 Deviation: delivery guarantee). */
const DURABLE = new Set([FrameType.Msg, FrameType.KeyUpdate, FrameType.GroupCreate, FrameType.GroupInvite, FrameType.GroupEvent]);
/** Refusals that mean the server accepted nothing and the request may be sent again. */
const RETRYABLE = new Set(['busy', 'unavailable']);
/** Server errors after which retrying cannot help. */
const FINAL_ERRORS = new Set(['revoked', 'session_replaced', 'decode']);

const noop = () => {};

export class CcpSession {
  #connect;
  #listener;
  #backoff;
  #maxOutstanding;
  #filter = new DeliveryFilter();
  #state = SessionState.CONNECTED;
  #link = null;
  #linkId = 0;
  /** Requests not yet acknowledged, in the order they were made. */
  #queue = [];
  /** The current link's sequence → request. */
  #bySequence = new Map();
  #chain = Promise.resolve();
  #presence = null;
  #keepaliveTimer = null;
  #reconnectTimer = null;
  #sentSinceKeepalive = false;
  #closedResolve;
  /** Resolves with the cause (null when the application closed it) once the session is over. */
  closed;

  /**
   * @param {() => Promise<import('./link.js').Link>} connect opens and bootstraps a new link
   * @param {object} listener onMessage, onFrame, onStateChanged, onClosed (each optional)
   * @param {{backoffInitialMs?: number, backoffMaxMs?: number, maxOutstanding?: number}} [options]
   */
  constructor(connect, listener = {}, options = {}) {
    this.#connect = connect;
    this.#listener = listener;
    this.#backoff = new Backoff(options.backoffInitialMs ?? 500, options.backoffMaxMs ?? 30000);
    this.#maxOutstanding = options.maxOutstanding ?? 10000;
    this.closed = new Promise((resolve) => {
      this.#closedResolve = resolve;
    });
  }

  /** Opens the first link; rejects (without retrying) when that bootstrap fails. */
  static async start(connect, listener, options) {
    const session = new CcpSession(connect, listener, options);
    session.#attach(await connect());
    return session;
  }

  get state() {
    return this.#state;
  }

  /** The current link's transport name, or null while reconnecting. */
  get transport() {
    return this.#link?.open ? this.#link.transportName : null;
  }

  /** The Noise pattern of the current link's bootstrap ('XK' or 'IK'), or null while reconnecting. */
  get pattern() {
    return this.#link?.open ? this.#link.pattern : null;
  }

  /** What the last Ack said (session token, user, keepalive ...). */
  get established() {
    return this.#link?.established ?? null;
  }

  /** Opens or joins channel `channel` (§4.4); resolves with the server's Ack payload. */
  join(channel, members = [], { relay = false, groupId } = {}) {
    const json = { members, relay };
    if (groupId !== undefined) json.group_id = groupId;
    return this.request(FrameType.Join, channel, json);
  }

  leave(channel) {
    return this.request(FrameType.Leave, channel, {});
  }

  /** Sends `payload` (bytes, or a string sent as UTF-8) to channel `channel` as a Msg. */
  send(channel, payload) {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    return this.request(FrameType.Msg, channel, bytes);
  }

  /** Announces a presence state now and after every reconnect (no Ack: resolves at once). */
  setPresence(state = 'online') {
    this.#presence = state;
    if (this.#link?.open) this.#sendPresence();
  }

  /**
   * Sends a frame the server acknowledges; `body` is a JSON object (control frames) or bytes
   * (opaque frames). Resolves with the Ack's payload; rejects REFUSED with the server's Error.
   */
  request(type, channel, body) {
    if (this.#state === SessionState.CLOSED) return Promise.reject(new CcpError(ErrorKind.CLOSED, 'the session is closed'));
    if (this.#queue.length >= this.#maxOutstanding) {
      return Promise.reject(new CcpError(ErrorKind.OVERLOADED, 'too many requests wait for the server'));
    }
    return new Promise((resolve, reject) => {
      const request = { type, channel, body, resolve, reject };
      this.#queue.push(request);
      if (this.#link?.open) this.#transmit(request);
    });
  }

  /** Ends the session once the listener has had what already arrived. */
  async close() {
    await this.#finish(null);
  }

  #transmit(request) {
    try {
      const link = this.#link;
      const sequence = request.type.control
        ? link.sendControl(request.type, request.channel, request.body)
        : link.sendOpaque(request.type, request.channel, request.body);
      this.#bySequence.set(sequence, request);
      this.#sentSinceKeepalive = true;
    } catch (e) {
      if (e instanceof CcpError && e.kind === ErrorKind.UNREACHABLE) return; // re-sent on the next link
      this.#queue.splice(this.#queue.indexOf(request), 1);
      request.reject(e instanceof CcpError ? e : new CcpError(ErrorKind.STATE, 'cannot send this frame', { cause: e }));
    }
  }

  #attach(link) {
    if (this.#state === SessionState.CLOSED) {
      link.close();
      return;
    }
    const linkId = ++this.#linkId;
    this.#link = link;
    this.#bySequence.clear();
    link.attach({
      onFrame: (frame) => this.#onFrame(linkId, link, frame),
      onClose: (cause) => this.#onLinkClosed(linkId, cause),
    });
    if (!link.open) return;
    for (const request of [...this.#queue]) this.#transmit(request);
    if (this.#presence !== null) this.#sendPresence();
    this.#startKeepalive(link.established.keepaliveInterval);
  }

  #sendPresence() {
    try {
      this.#link.sendControl(FrameType.Presence, 0, { state: this.#presence });
      this.#sentSinceKeepalive = true;
    } catch {
      // the link is going; the next one announces it
    }
  }

  #startKeepalive(seconds) {
    clearInterval(this.#keepaliveTimer);
    // An idle device still says it is there (§4.3).
    this.#keepaliveTimer = setInterval(() => {
      if (!this.#sentSinceKeepalive && this.#link?.open) {
        try {
          this.#link.sendControl(FrameType.Presence, 0, { state: this.#presence ?? 'online' });
        } catch {
          // reported by the link's close
        }
      }
      this.#sentSinceKeepalive = false;
    }, seconds * 1000);
  }

  #onFrame(linkId, link, frame) {
    if (linkId !== this.#linkId) return;
    const c = frame.control;
    if (frame.type === FrameType.Ack && c && Number.isInteger(c.ack)) {
      const request = this.#bySequence.get(c.ack);
      if (request) {
        this.#bySequence.delete(c.ack);
        this.#queue.splice(this.#queue.indexOf(request), 1);
        request.resolve(c);
        return;
      }
    }
    if (frame.type === FrameType.Error && c) {
      const code = typeof c.error === 'string' ? c.error : 'error';
      const detail = typeof c.detail === 'string' ? c.detail : null;
      if (Number.isInteger(c.ack) && this.#bySequence.has(c.ack)) {
        const request = this.#bySequence.get(c.ack);
        this.#bySequence.delete(c.ack);
        if (RETRYABLE.has(code)) {
          // Sent again after a short pause; it may then land after later requests.
          setTimeout(() => {
            if (this.#link === link && link.open && this.#queue.includes(request)) this.#transmit(request);
          }, 200 + Math.floor(Math.random() * 800));
          return;
        }
        this.#queue.splice(this.#queue.indexOf(request), 1);
        request.reject(new CcpError(ErrorKind.REFUSED, 'the server refused the request', { code, detail }));
        return;
      }
      if (FINAL_ERRORS.has(code)) {
        this.#finish(new CcpError(ErrorKind.REFUSED, 'the server ended the session', { code, detail }));
        return;
      }
      if (code === 'shutdown') {
        link.close(); // reconnects after the backoff, through #onLinkClosed
        return;
      }
    }
    if (DURABLE.has(frame.type)) {
      this.#dispatch(() => this.#deliver(linkId, link, frame));
    } else {
      this.#dispatch(() => (this.#listener.onFrame ?? noop)(frame));
    }
  }

  async #deliver(linkId, link, frame) {
    const key = DeliveryFilter.key(frame);
    if (this.#filter.admit(linkId, key)) {
      if (frame.type === FrameType.Msg) {
        await (this.#listener.onMessage ?? noop)({ channel: frame.channel, sequence: frame.sequence, payload: frame.payload });
      } else {
        await (this.#listener.onFrame ?? noop)(frame);
      }
      this.#filter.delivered(key);
    }
    if (link.open) {
      try {
        link.sendControl(FrameType.Ack, frame.channel, { ack: frame.sequence });
      } catch {
        // the link went; the server re-delivers and the filter drops it
      }
    }
  }

  /** Runs `task` after every earlier listener call; a throwing handler leaves its frame unacknowledged. */
  #dispatch(task) {
    this.#chain = this.#chain.then(task).catch(noop);
  }

  #onLinkClosed(linkId, cause) {
    if (linkId !== this.#linkId || this.#link === null || this.#state === SessionState.CLOSED) return;
    this.#link = null;
    this.#bySequence.clear();
    clearInterval(this.#keepaliveTimer);
    this.#setState(SessionState.RECONNECTING, cause);
    this.#scheduleReconnect(cause);
  }

  #scheduleReconnect(cause) {
    let wait = this.#backoff.next();
    const retryAfter = /^retry-after (\d+)$/.exec(cause?.detail ?? '');
    if (retryAfter) wait = Math.max(wait, Number(retryAfter[1]) * 1000);
    this.#reconnectTimer = setTimeout(() => this.#reconnect(), wait);
  }

  async #reconnect() {
    if (this.#state === SessionState.CLOSED) return;
    try {
      const link = await this.#connect();
      if (this.#state === SessionState.CLOSED) {
        link.close();
        return;
      }
      this.#backoff.reset();
      this.#attach(link);
      if (link.open) this.#setState(SessionState.CONNECTED, null);
    } catch (e) {
      if (this.#state === SessionState.CLOSED) return;
      if (e instanceof CcpError && (e.pairingRequired || (e.kind === ErrorKind.HANDSHAKE && FINAL_ERRORS.has(e.code)))) {
        this.#finish(e);
        return;
      }
      this.#scheduleReconnect(e);
    }
  }

  #setState(state, cause) {
    if (this.#state === state) return;
    this.#state = state;
    this.#dispatch(() => (this.#listener.onStateChanged ?? noop)(state, cause));
  }

  async #finish(cause) {
    if (this.#state === SessionState.CLOSED) return this.closed;
    this.#state = SessionState.CLOSED;
    clearInterval(this.#keepaliveTimer);
    clearTimeout(this.#reconnectTimer);
    const link = this.#link;
    this.#link = null;
    link?.close();
    const error = cause ?? new CcpError(ErrorKind.CLOSED, 'the session is closed');
    for (const request of this.#queue.splice(0)) request.reject(error);
    this.#bySequence.clear();
    this.#dispatch(() => (this.#listener.onClosed ?? noop)(cause));
    await this.#chain;
    this.#closedResolve(cause);
    return this.closed;
  }
}
