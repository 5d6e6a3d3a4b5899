// Frames of ccp-1.md §2: `varint(len(body)) || body`,
// `body = type || varint(channel) || varint(sequence) || varint(len(payload)) || payload`.
// A frame is a frozen record {type, channel, sequence, payload, control}; `control` is the
// parsed JSON object of a control frame, null for an opaque one.

import { fromUtf8, utf8 } from '../bytes.js';
import { FrameError } from './frame-error.js';
import { frameTypeOf } from './frame-type.js';
import { parseJson, stringifyJson } from './json.js';
import { readVarint, varintLength, writeVarint } from './varint.js';

export const MAX_FRAME = 16 * 1024 * 1024;
export const MAX_PAYLOAD = 16 * 1024 * 1024;
export const MAX_CONTROL = 256 * 1024;
export const MAX_ID = 0xffffffff;

function record(type, channel, sequence, payload, control) {
  return Object.freeze({ type, channel, sequence, payload, control });
}

/** A control frame; `json` is encoded as compact JSON. */
export function controlFrame(type, channel, sequence, json) {
  if (!type.control) throw new TypeError(`${type.name} is not a control frame`);
  return record(type, channel, sequence, utf8(stringifyJson(json)), json);
}

/** An opaque frame (Msg, VoiceFrame, VideoFrame) carrying `payload` as is. */
export function opaqueFrame(type, channel, sequence, payload) {
  if (type.control) throw new TypeError(`${type.name} is a control frame`);
  return record(type, channel, sequence, payload, null);
}

/** The length-prefixed encoding of `frame`. */
export function encodeFrame(frame) {
  const { type, channel, sequence, payload } = frame;
  if (!Number.isSafeInteger(channel) || channel < 0 || channel > MAX_ID) throw new FrameError('channel_id_too_large');
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence > MAX_ID) throw new FrameError('sequence_too_large');
  if (payload.length > MAX_PAYLOAD) throw new FrameError('payload_too_large');
  if (type.control && payload.length > MAX_CONTROL) throw new FrameError('control_too_large');
  const bodyLength = 1 + varintLength(channel) + varintLength(sequence) + varintLength(payload.length) + payload.length;
  if (bodyLength > MAX_FRAME) throw new FrameError('frame_too_large');
  const out = new Uint8Array(varintLength(bodyLength) + bodyLength);
  let at = writeVarint(bodyLength, out, 0);
  out[at++] = type.code;
  at = writeVarint(channel, out, at);
  at = writeVarint(sequence, out, at);
  at = writeVarint(payload.length, out, at);
  out.set(payload, at);
  return out;
}

/** Parses a control payload: UTF-8 JSON that must be an object. */
export function parseControl(payload) {
  let json;
  try {
    json = parseJson(fromUtf8(payload));
  } catch {
    throw new FrameError('invalid_control_json');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new FrameError('invalid_control_json');
  return json;
}

function bodyVarint(bytes, at, end) {
  const read = readVarint(bytes, at, end);
  if (read === null) throw new FrameError('unexpected_eof');
  return read;
}

/**
 * Decodes one frame at `bytes[at]`.
 * @returns {{frame: object, next: number} | null} null when the bytes end inside the length
 *   varint or before the end of the declared body ("need more bytes")
 * @throws {FrameError} any other failure, in the order of §2
 */
export function tryDecodeFrame(bytes, at = 0) {
  const length = readVarint(bytes, at, bytes.length);
  if (length === null) return null;
  if (length.value > MAX_FRAME) throw new FrameError('frame_too_large');
  const start = length.next;
  const end = start + length.value;
  if (end > bytes.length) return null;
  if (length.value === 0) throw new FrameError('unexpected_eof');
  const type = frameTypeOf(bytes[start]);
  if (type === undefined) throw new FrameError('invalid_frame_type');
  const channel = bodyVarint(bytes, start + 1, end);
  if (channel.value > MAX_ID) throw new FrameError('channel_id_too_large');
  const sequence = bodyVarint(bytes, channel.next, end);
  if (sequence.value > MAX_ID) throw new FrameError('sequence_too_large');
  const payloadLength = bodyVarint(bytes, sequence.next, end);
  if (payloadLength.value > MAX_PAYLOAD) throw new FrameError('payload_too_large');
  const payloadEnd = payloadLength.next + payloadLength.value;
  if (payloadEnd > end) throw new FrameError('unexpected_eof');
  if (payloadEnd < end) throw new FrameError('trailing_bytes');
  // A copy, so the frame does not pin the (possibly large) receive buffer.
  const payload = bytes.slice(payloadLength.next, payloadEnd);
  let control = null;
  if (type.control) {
    if (payload.length > MAX_CONTROL) throw new FrameError('control_too_large');
    control = parseControl(payload);
  }
  return { frame: record(type, channel.value, sequence.value, payload, control), next: end };
}

/** Decodes exactly one frame from a contiguous buffer; a short buffer is an unexpected end. */
export function decodeFrame(bytes) {
  const decoded = tryDecodeFrame(bytes, 0);
  if (decoded === null) throw new FrameError('unexpected_eof');
  if (decoded.next !== bytes.length) throw new FrameError('trailing_bytes');
  return decoded.frame;
}
