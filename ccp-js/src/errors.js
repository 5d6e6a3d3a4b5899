// Typed errors: every failure the library reports is a CcpError whose `kind` says what went
// wrong. Messages are our own fixed text; a server's words travel in `code`/`detail`, never
// formatted into control flow.

/** What went wrong, as a closed set. */
export const ErrorKind = Object.freeze({
  /** No connection, a link lost before the answer, or no answer in time. */
  UNREACHABLE: 'unreachable',
  /** The server said no: an HTTP status, or an `Error` frame answering a request. */
  REFUSED: 'refused',
  /** The bootstrap was refused (`code`/`detail` from the server's Error; `pairingRequired`). */
  HANDSHAKE: 'handshake',
  /** The peer broke the protocol (bad frame, bad JSON, bad Noise message, bad certificate). */
  PROTOCOL: 'protocol',
  /** The session or client was closed before the operation finished. */
  CLOSED: 'closed',
  /** The caller misused the API (no identity, an identity already there, a bad argument). */
  STATE: 'state',
  /** Too many requests wait for the server's answer. */
  OVERLOADED: 'overloaded',
});

export class CcpError extends Error {
  /**
   * @param {string} kind one of ErrorKind
   * @param {string} message our own text
   * @param {{code?: string, detail?: string, status?: number, pairingRequired?: boolean, cause?: unknown}} [info]
   */
  constructor(kind, message, info = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'CcpError';
    this.kind = kind;
    this.code = info.code ?? null;
    this.detail = info.detail ?? null;
    this.status = info.status ?? 0;
    this.pairingRequired = info.pairingRequired ?? false;
  }
}
