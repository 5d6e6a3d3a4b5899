import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { FrameDecoder } from '../../src/codec/frame-decoder.js';
import { FrameError } from '../../src/codec/frame-error.js';
import { FrameType, frameTypeOf } from '../../src/codec/frame-type.js';
import { controlFrame, decodeFrame, encodeFrame, opaqueFrame } from '../../src/codec/frame.js';
import { parseJson } from '../../src/codec/json.js';
import { knownKeys, loadVectors } from '../support/vectors.js';

const vectors = loadVectors('frames.json');
const VALID_KEYS = ['name', 'frame_type', 'type_code', 'channel_id', 'sequence', 'payload_kind', 'payload_json', 'payload_text', 'payload_hex', 'encoded_hex'];

describe('frames.json: every valid entry', () => {
  assert.deepEqual(Object.keys(vectors).sort(), ['description', 'invalid', 'valid']);
  for (const entry of vectors.valid) {
    it(`decodes and re-encodes ${entry.name}`, () => {
      knownKeys(entry, VALID_KEYS, assert);
      const type = frameTypeOf(entry.type_code);
      assert.equal(type, FrameType[entry.frame_type]);
      const frame = decodeFrame(fromHex(entry.encoded_hex));
      assert.equal(frame.type, type);
      assert.equal(frame.channel, entry.channel_id);
      assert.equal(frame.sequence, entry.sequence);
      if (entry.payload_kind === 'control') {
        assert.equal(type.control, true);
        assert.deepEqual(frame.control, entry.payload_json);
        assert.deepEqual(parseJson(entry.payload_text), entry.payload_json);
        const again = decodeFrame(encodeFrame(controlFrame(type, entry.channel_id, entry.sequence, entry.payload_json)));
        assert.deepEqual(again.control, entry.payload_json);
      } else {
        assert.equal(entry.payload_kind, 'opaque');
        assert.equal(toHex(frame.payload), entry.payload_hex);
        const encoded = encodeFrame(opaqueFrame(type, entry.channel_id, entry.sequence, fromHex(entry.payload_hex)));
        assert.equal(toHex(encoded), entry.encoded_hex);
      }
    });

    it(`streams ${entry.name} byte by byte`, () => {
      const decoder = new FrameDecoder();
      const bytes = fromHex(entry.encoded_hex);
      const frames = [];
      for (let i = 0; i < bytes.length; i++) frames.push(...decoder.push(bytes.subarray(i, i + 1)));
      assert.equal(frames.length, 1);
      assert.equal(decoder.buffered, 0);
    });
  }
});

describe('frames.json: every invalid entry', () => {
  for (const entry of vectors.invalid) {
    knownKeys(entry, ['name', 'bytes_hex', 'error', 'need_more'], assert);
    const bytes = fromHex(entry.bytes_hex);
    it(`rejects ${entry.name} with ${entry.error}`, () => {
      assert.throws(() => decodeFrame(bytes), (e) => e instanceof FrameError && e.kind === entry.error);
    });
    if (entry.need_more) {
      it(`${entry.name}: a streaming decoder waits and consumes nothing`, () => {
        const whole = new FrameDecoder();
        assert.deepEqual(whole.push(bytes), []);
        assert.equal(whole.buffered, bytes.length);
        const piecewise = new FrameDecoder();
        for (let i = 0; i < bytes.length; i++) assert.deepEqual(piecewise.push(bytes.subarray(i, i + 1)), []);
        assert.equal(piecewise.buffered, bytes.length);
        // A stream that ends inside a frame is an unexpected end; one that ends between frames is clean.
        if (bytes.length > 0) assert.throws(() => whole.end(), (e) => e.kind === entry.error);
        else whole.end();
      });
    } else {
      it(`${entry.name}: a streaming decoder fails as soon as the bytes are in`, () => {
        assert.throws(() => new FrameDecoder().push(bytes), (e) => e instanceof FrameError && e.kind === entry.error);
        const piecewise = new FrameDecoder();
        assert.throws(() => {
          for (let i = 0; i < bytes.length; i++) piecewise.push(bytes.subarray(i, i + 1));
        }, (e) => e.kind === entry.error);
      });
    }
  }
});
