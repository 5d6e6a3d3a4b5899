// A frame codec failure with the kind names of ccp-1.md §2 and frames.json.

export const FrameErrorKind = Object.freeze({
  UNEXPECTED_EOF: 'unexpected_eof',
  INVALID_FRAME_TYPE: 'invalid_frame_type',
  VARINT_OVERFLOW: 'varint_overflow',
  FRAME_TOO_LARGE: 'frame_too_large',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  CHANNEL_ID_TOO_LARGE: 'channel_id_too_large',
  SEQUENCE_TOO_LARGE: 'sequence_too_large',
  INVALID_CONTROL_JSON: 'invalid_control_json',
  CONTROL_TOO_LARGE: 'control_too_large',
  TRAILING_BYTES: 'trailing_bytes',
});

export class FrameError extends Error {
  /** @param {string} kind one of FrameErrorKind */
  constructor(kind) {
    super(`frame codec: ${kind}`);
    this.name = 'FrameError';
    this.kind = kind;
  }
}
