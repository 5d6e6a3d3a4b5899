/**
 * @commucat/ccp — a CCP-1 device client for browsers and Node.
 *
 * Threading: JavaScript runs one callback at a time, and so does this library. Every
 * operation is async and returns a Promise at once; nothing blocks. A session calls its
 * listener one call at a time in the server's order: an async `onMessage` holds back the
 * next delivery until its Promise settles, and the message is acknowledged only then.
 * Failures are {@link CcpError}s whose `kind` says what went wrong.
 */

/** What went wrong. */
export declare const ErrorKind: Readonly<{
  /** No connection, a link lost before the answer, or no answer in time. */
  UNREACHABLE: 'unreachable';
  /** The server said no: an HTTP status (`status`) or an `Error` frame (`code`, `detail`). */
  REFUSED: 'refused';
  /** The bootstrap was refused (`code`, `detail`, `pairingRequired`). */
  HANDSHAKE: 'handshake';
  /** The peer broke the protocol. */
  PROTOCOL: 'protocol';
  /** The session or client was closed first. */
  CLOSED: 'closed';
  /** The API was misused (no identity, one already there, an unknown transport ...). */
  STATE: 'state';
  /** Too many requests wait for the server's answer. */
  OVERLOADED: 'overloaded';
}>;
export type ErrorKindName = (typeof ErrorKind)[keyof typeof ErrorKind];

export declare class CcpError extends Error {
  readonly kind: ErrorKindName;
  /** The server's error code (`Error.error`, or a problem's `title`), if any. */
  readonly code: string | null;
  readonly detail: string | null;
  /** The HTTP status, 0 when none. */
  readonly status: number;
  /** The server wants this device to pair instead of registering. */
  readonly pairingRequired: boolean;
}

export interface FrameTypeInfo {
  readonly code: number;
  readonly name: string;
  /** Whether the payload is control JSON (else opaque bytes). */
  readonly control: boolean;
  /** The lower snake case label of NDJSON (ccp-1.md §1.2). */
  readonly label: string;
}
export declare const FrameType: Readonly<Record<
  'Hello' | 'Auth' | 'Join' | 'Leave' | 'Msg' | 'Ack' | 'Typing' | 'Presence' | 'KeyUpdate' | 'GroupCreate'
  | 'GroupInvite' | 'GroupEvent' | 'Error' | 'CallOffer' | 'CallAnswer' | 'CallEnd' | 'VoiceFrame' | 'VideoFrame'
  | 'CallStats' | 'TransportUpdate', FrameTypeInfo>>;

/** A decoded frame (ccp-1.md §2). */
export interface Frame {
  readonly type: FrameTypeInfo;
  readonly channel: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
  /** The JSON object of a control frame; null for an opaque one. */
  readonly control: Record<string, unknown> | null;
}

export declare const FrameErrorKind: Readonly<Record<string, string>>;
export declare class FrameError extends Error {
  /** unexpected_eof, invalid_frame_type, varint_overflow, frame_too_large, payload_too_large,
   * channel_id_too_large, sequence_too_large, invalid_control_json, control_too_large, trailing_bytes */
  readonly kind: string;
}
export declare function encodeFrame(frame: Frame): Uint8Array;
/** Decodes exactly one frame; throws FrameError. */
export declare function decodeFrame(bytes: Uint8Array): Frame;
export declare function controlFrame(type: FrameTypeInfo, channel: number, sequence: number, json: object): Frame;
export declare function opaqueFrame(type: FrameTypeInfo, channel: number, sequence: number, payload: Uint8Array): Frame;
/** Streaming decoder: any chunking in, whole frames out; holds at most one incomplete frame. */
export declare class FrameDecoder {
  readonly buffered: number;
  push(chunk: Uint8Array): Frame[];
  end(): void;
}

/** A message delivered on a channel. */
export interface IncomingMessage {
  readonly channel: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}

export type SessionStateName = 'connected' | 'reconnecting' | 'closed';
export declare const SessionState: Readonly<{ CONNECTED: 'connected'; RECONNECTING: 'reconnecting'; CLOSED: 'closed' }>;

/** What a session tells the application; every hook is optional. */
export interface SessionListener {
  /** A Msg; acknowledged to the server when this returns (or its Promise resolves). A throw
   * leaves it unacknowledged: it comes again after the next bootstrap. */
  onMessage?(message: IncomingMessage): void | Promise<void>;
  /** Any other frame: presence, typing, key updates, group events, session errors ... */
  onFrame?(frame: Frame): void | Promise<void>;
  onStateChanged?(state: SessionStateName, cause: CcpError | null): void;
  /** Last, once: null when the application closed the session. */
  onClosed?(cause: CcpError | null): void;
}

/** What the server's Ack said (ccp-1.md §3.4). */
export interface Established {
  readonly session: string;
  readonly userId: string | null;
  readonly user: Record<string, unknown> | null;
  readonly keepaliveInterval: number;
  readonly pairingRequired: boolean;
  readonly ack: Record<string, unknown>;
}

/** A device's session across links: reconnects with backoff and resumes unacknowledged requests. */
export declare class CcpSession {
  readonly state: SessionStateName;
  /** The current link's transport ('binary', 'websocket', 'sse', 'long-poll'), null while reconnecting. */
  readonly transport: string | null;
  /** The current link's Noise pattern, null while reconnecting. */
  readonly pattern: 'XK' | 'IK' | null;
  readonly established: Established | null;
  /** Resolves with the cause (null when closed by the application) once the session is over. */
  readonly closed: Promise<CcpError | null>;
  /** Opens or joins a channel; resolves with the Ack's payload. */
  join(channel: number, members?: string[], options?: { relay?: boolean; groupId?: string }): Promise<Record<string, unknown>>;
  leave(channel: number): Promise<Record<string, unknown>>;
  /** Sends a Msg (a string goes as UTF-8); resolves on the server's Ack, rejects REFUSED on its Error. */
  send(channel: number, payload: Uint8Array | string): Promise<Record<string, unknown>>;
  /** Announced now and after every reconnect. */
  setPresence(state?: string): void;
  /** Any acknowledged frame: a JSON object for control frames, bytes for opaque ones. */
  request(type: FrameTypeInfo, channel: number, body: object | Uint8Array): Promise<Record<string, unknown>>;
  /** Ends the session once the listener has had what already arrived. */
  close(): Promise<void>;
}

/** Keeps a device's identity (secrets included): two async methods over plain JSON. */
export interface IdentityStore {
  load(): Promise<Record<string, unknown> | null>;
  save(identity: Record<string, unknown> | null): Promise<void>;
}
export declare class MemoryIdentityStore implements IdentityStore {
  load(): Promise<Record<string, unknown> | null>;
  save(identity: Record<string, unknown> | null): Promise<void>;
}
/** In `localStorage` (or another Storage) under `key`: readable by any script of the origin. */
export declare class WebStorageIdentityStore implements IdentityStore {
  constructor(key?: string, storage?: Storage);
  load(): Promise<Record<string, unknown> | null>;
  save(identity: Record<string, unknown> | null): Promise<void>;
}

/** An open transport connection. */
export interface TransportLink {
  send(bytes: Uint8Array): void;
  close(): void;
}
/** A way to reach /connect: open → send(bytes), onBytes, close, onClose (once). */
export interface Transport {
  readonly name: string;
  open(handlers: { onBytes(bytes: Uint8Array): void; onClose(error: CcpError | null): void }): Promise<TransportLink>;
}
export interface TransportMemory {
  get(): string | null;
  set(name: string): void;
}
export declare class MemoryTransportMemory implements TransportMemory {
  get(): string | null;
  set(name: string): void;
}
export declare class WebStorageTransportMemory implements TransportMemory {
  constructor(key?: string, storage?: Storage);
  get(): string | null;
  set(name: string): void;
}
export declare class TransportSelector {
  constructor(transports: Transport[], options?: { memory?: TransportMemory; force?: string });
  order(): Transport[];
  establish<T>(attempt: (transport: Transport) => Promise<T>): Promise<T>;
}
export declare const BROWSER_TRANSPORTS: readonly ['websocket', 'sse', 'long-poll'];
export declare function browserTransports(baseUrl: string, options?: { fetch?: typeof fetch; WebSocket?: typeof WebSocket }): Transport[];
export declare function webSocketTransport(baseUrl: string, options?: { WebSocket?: typeof WebSocket }): Transport;
export declare function hasWebSocket(): boolean;
export declare function sseTransport(baseUrl: string, options?: { fetch?: typeof fetch }): Transport;
export declare function longPollTransport(baseUrl: string, options?: { fetch?: typeof fetch }): Transport;
export declare class SseParser {
  constructor(maxLine: number);
  push(text: string): Array<{ event: string; id: string | null; data: string } | { comment: string }>;
}
export declare class NdjsonParser {
  constructor(maxLine: number);
  push(text: string): Array<{ upstream: string } | { keepalive: true } | { sequence: number; channel: number; type: string; bytes: Uint8Array }>;
}

/** A REST caller each platform provides. */
export interface HttpCaller {
  request(method: string, path: string, options?: { token?: string; json?: unknown }):
    Promise<{ status: number; header(name: string): string | null; text: string }>;
}
export declare function fetchHttp(baseUrl: string, fetchImpl?: typeof fetch): HttpCaller;
export declare class RestApi {
  constructor(http: HttpCaller);
  call(method: string, path: string, options?: { token?: string; json?: unknown }): Promise<any>;
  serverInfo(): Promise<Record<string, any>>;
}

export interface ClientOptions {
  http: HttpCaller;
  transports: Transport[];
  identityStore: IdentityStore;
  transportMemory?: TransportMemory;
  /** Use only this transport. */
  forceTransport?: string;
  /** Reconnect backoff: attempt n waits a random time in [0, min(max, initial × 2^n)]. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  bootstrapTimeoutMs?: number;
  maxOutstanding?: number;
}

export interface Enrolment {
  readonly deviceId: string;
  readonly userId: string | null;
}
export interface PairingCode {
  readonly pair_code: string;
  readonly issued_at: string;
  readonly expires_at: string;
  readonly ttl: number;
  readonly [key: string]: unknown;
}

/** A device's client of one server: enrolment and sessions. Its enrolment steps run one after the other. */
export declare class CcpClient {
  constructor(options: ClientOptions);
  identity(): Promise<Enrolment | null>;
  serverInfo(refresh?: boolean): Promise<Record<string, any>>;
  /** A new identity for user `handle` (created when auto-approval allows); rejects HANDSHAKE with pairingRequired otherwise. */
  register(handle: string, options?: { displayName?: string }): Promise<Enrolment>;
  /** Joins the code's user with a key made here (the claim proves possession). */
  pair(code: string, options?: { deviceName?: string }): Promise<Enrolment>;
  issuePairingCode(ttl?: number): Promise<PairingCode>;
  devices(): Promise<Array<Record<string, unknown>>>;
  revoke(deviceId: string): Promise<Record<string, unknown>>;
  /** Resolves once the first bootstrap succeeded (XK first, IK once the server's key is proven). */
  connect(listener?: SessionListener): Promise<CcpSession>;
  close(): Promise<void>;
}

/** A client for a web page: fetch, WebSocket → SSE → long-poll (or `?transport=`), localStorage. */
export declare function createBrowserClient(options?: Partial<ClientOptions> & { server?: string }): CcpClient;
