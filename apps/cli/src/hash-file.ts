// First pass over the file: sha256 while streaming, so the server can verify the upload
// against `?sha256=` without the CLI ever holding the file in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CliError, EXIT } from './errors.js';

export const CHUNK_BYTES = 1024 * 1024;

export async function sha256File(
  path: string,
  expectedSize: number,
  onProgress: (bytes: number) => void = () => {},
): Promise<string> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      onProgress(bytes);
    }
  } catch (err) {
    throw new CliError(EXIT.usage, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  if (bytes !== expectedSize) {
    throw new CliError(
      EXIT.usage,
      'the file changed while it was being read; push it once the build has finished writing it',
    );
  }
  return hash.digest('hex');
}
