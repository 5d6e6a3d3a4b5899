// The long-poll stream of ccp-1.md §1.2: one JSON object per line,
// {"channel","sequence","type","data"} for a write, {"keepalive":true}, and first
// {"upstream":"<token>"} when asked for (rest.md). Bounded by the longest line.

import { fromBase64 } from '../bytes.js';
import { LineSplitter } from './line-splitter.js';

export class NdjsonParser {
  #lines;

  constructor(maxLine) {
    this.#lines = new LineSplitter(maxLine);
  }

  /**
   * Feeds text; returns the records it completed: {upstream}, {keepalive: true} or
   * {sequence, channel, type, bytes}. Throws SyntaxError/TypeError on a malformed line.
   */
  push(text) {
    const out = [];
    for (const line of this.#lines.push(text)) {
      if (line.trim() === '') continue;
      const json = JSON.parse(line);
      if (json === null || typeof json !== 'object') throw new TypeError('an NDJSON line is not an object');
      if (typeof json.upstream === 'string') out.push({ upstream: json.upstream });
      else if (json.keepalive === true) out.push({ keepalive: true });
      else if (typeof json.data === 'string') {
        out.push({ sequence: json.sequence, channel: json.channel, type: json.type, bytes: fromBase64(json.data) });
      } else throw new TypeError('an NDJSON line carries no data');
    }
    return out;
  }
}
