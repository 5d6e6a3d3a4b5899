// The frame types of ccp-1.md §2.1: code, name, whether the payload is control JSON, and the
// lower snake case label NDJSON uses (§1.2).

const TYPES = [
  [0x01, 'Hello', true], [0x02, 'Auth', true], [0x03, 'Join', true], [0x04, 'Leave', true],
  [0x05, 'Msg', false], [0x06, 'Ack', true], [0x07, 'Typing', true], [0x08, 'Presence', true],
  [0x09, 'KeyUpdate', true], [0x0a, 'GroupCreate', true], [0x0b, 'GroupInvite', true],
  [0x0c, 'GroupEvent', true], [0x0d, 'Error', true], [0x0e, 'CallOffer', true],
  [0x0f, 'CallAnswer', true], [0x10, 'CallEnd', true], [0x11, 'VoiceFrame', false],
  [0x12, 'VideoFrame', false], [0x13, 'CallStats', true], [0x14, 'TransportUpdate', true],
];

const snake = (name) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

const byCode = new Map();
/** Frame types by name: `FrameType.Msg.code === 5`. */
export const FrameType = {};
for (const [code, name, control] of TYPES) {
  const type = Object.freeze({ code, name, control, label: snake(name) });
  byCode.set(code, type);
  FrameType[name] = type;
}
Object.freeze(FrameType);

/** The type with wire code `code`, or undefined. */
export const frameTypeOf = (code) => byCode.get(code);
