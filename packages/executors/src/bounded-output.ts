// Command output cut down for a message, without ever cutting through a secret: a secret cut
// short is a prefix the masker no longer recognises.
import { StringDecoder } from 'node:string_decoder';

/** Output up to `max` characters; once anything is dropped, the incomplete last line goes too. */
export class BoundedOutput {
  private readonly decoder = new StringDecoder('utf8');
  private out = '';
  private dropped = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    if (this.out.length < this.max) this.out += this.decoder.write(chunk);
    else this.dropped = true;
  }

  text(): string {
    return this.dropped ? this.out.slice(0, this.out.lastIndexOf('\n') + 1) : this.out + this.decoder.end();
  }
}

/** The first non-blank line, masked and only then bounded to `max` characters. */
export function firstLine(text: string, mask: (text: string) => string, max = 300): string {
  const line = mask(text.split('\n').find((l) => l.trim() !== '') ?? '');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
