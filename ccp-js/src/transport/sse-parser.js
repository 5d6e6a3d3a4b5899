// The server-sent events of ccp-1.md §1.2 and rest.md ("Connect upstream companion"), parsed
// from text in any chunking: `event:`/`id:`/`data:` fields, a blank line ends an event, lines
// starting with `:` are comments (`:ready`, `:keepalive`). Bounded by the longest line.

import { LineSplitter } from './line-splitter.js';

export class SseParser {
  #lines;
  #event = null;
  #id = null;
  #data = null;

  /** @param {number} maxLine the longest line accepted (a base64 frame's data line) */
  constructor(maxLine) {
    this.#lines = new LineSplitter(maxLine);
  }

  /**
   * Feeds text; returns the completed events as {event, id, data} (event defaults to 'message')
   * and comments as {comment}.
   */
  push(text) {
    const out = [];
    for (const line of this.#lines.push(text)) {
      if (line === '') {
        if (this.#data !== null) out.push({ event: this.#event ?? 'message', id: this.#id, data: this.#data });
        this.#event = null;
        this.#data = null;
        continue;
      }
      if (line.startsWith(':')) {
        out.push({ comment: line.slice(1) });
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.#event = value;
      else if (field === 'id') this.#id = value;
      else if (field === 'data') this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
    }
    return out;
  }
}
