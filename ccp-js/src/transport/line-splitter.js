// Splits a text stream into lines (LF, CRLF or CR, as SSE allows), with a bound on one line so
// a peer cannot fill memory with a line that never ends.

export class LineTooLongError extends Error {
  constructor() {
    super('a line is longer than the limit');
    this.name = 'LineTooLongError';
  }
}

export class LineSplitter {
  #partial = '';
  #maxLine;
  #pendingCr = false;

  constructor(maxLine) {
    this.#maxLine = maxLine;
  }

  /** Feeds text; returns the lines it completed, without their terminators. */
  push(text) {
    const lines = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (ch === 10) {
          start = i + 1;
          continue;
        }
      }
      if (ch === 10 || ch === 13) {
        lines.push(this.#partial + text.slice(start, i));
        this.#partial = '';
        start = i + 1;
        this.#pendingCr = ch === 13;
      }
    }
    this.#partial += text.slice(start);
    if (this.#partial.length > this.#maxLine) throw new LineTooLongError();
    return lines;
  }
}
