// JSON that keeps integers beyond 2^53 exact (a certificate's u64 serial, §3.6): they parse to
// BigInt and BigInt values stringify as plain integer literals. JSON.parse does the parsing;
// big literals are swapped, outside strings, for a per-call random token that no peer can
// predict, and the reviver turns the token back into a BigInt.

import { randomBytes } from '@noble/hashes/utils.js';
import { toHex } from '../bytes.js';

const BIG_RUN = /\d{16}/;

function token() {
  return `\u0000big:${toHex(randomBytes(12))}:`;
}

/** Like JSON.parse; integer literals outside the safe range become BigInt. */
export function parseJson(text) {
  if (!BIG_RUN.test(text)) return JSON.parse(text);
  const tag = token();
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
      const literal = text.slice(i, j);
      if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(last, i) + JSON.stringify(tag + literal);
        last = j;
      }
      i = j - 1;
    }
  }
  out += text.slice(last);
  return JSON.parse(out, (_key, value) =>
    typeof value === 'string' && value.startsWith(tag) ? BigInt(value.slice(tag.length)) : value);
}

/** Compact JSON like JSON.stringify; a BigInt becomes a plain integer literal. */
export function stringifyJson(value) {
  let tag = null;
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v !== 'bigint') return v;
    tag ??= token();
    return tag + v.toString();
  });
  if (tag === null) return text;
  return text.replace(new RegExp(JSON.stringify(tag).slice(0, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&') + '(-?\\d+)"', 'g'), '$1');
}
