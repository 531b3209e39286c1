// Passes a child's output through line by line (so two children's lines never mix mid-line)
// and keeps its last lines, to show them again when the child cannot be kept running.

export class OutputTail {
  /** @param {number} keep how many of the latest lines to keep */
  constructor(keep = 20) {
    this.keep = keep;
    /** @type {string[]} */
    this.lines = [];
  }

  push(line) {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  clear() {
    this.lines = [];
  }

  /** The kept lines, oldest first. */
  last() {
    return [...this.lines];
  }
}

/**
 * Reads `stream` as lines, writes each (with its newline) to `write` and into `tail`.
 * A last line without a newline is passed on when the stream ends.
 */
export function forwardLines(stream, write, tail) {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      write(`${line}\n`);
      tail?.push(line);
    }
  });
  stream.on('end', () => {
    if (!partial) return;
    write(`${partial}\n`);
    tail?.push(partial);
    partial = '';
  });
}
