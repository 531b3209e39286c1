// Streams a local file to the host over SFTP (fastPut: pipelined, parallel chunks).
import type { SFTPWrapper } from 'ssh2';
import { CancelledError, ConnectionClosedError, ExecutorError } from './errors.js';
import type { SshConnection } from './ssh-connection.js';

export interface UploadOptions {
  onProgress?: (transferred: number, total: number) => void;
  signal?: AbortSignal;
  /** File mode on the remote side. Default 0o600. */
  mode?: number;
}

function openSftp(conn: SshConnection): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    conn.client.sftp((err, sftp) => (err ? reject(new ConnectionClosedError(`sftp: ${err.message}`)) : resolve(sftp)));
  });
}

export async function uploadFile(
  conn: SshConnection,
  localPath: string,
  remotePath: string,
  opts: UploadOptions = {},
): Promise<void> {
  if (opts.signal?.aborted) throw new CancelledError('upload');
  const sftp = await openSftp(conn);
  try {
    await new Promise<void>((resolve, reject) => {
      let aborted = false;
      const onAbort = (): void => {
        aborted = true;
        sftp.end(); // makes fastPut fail; the partial file is removed by the caller's cleanup
        reject(new CancelledError('upload'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      sftp.fastPut(
        localPath,
        remotePath,
        {
          mode: opts.mode ?? 0o600,
          step: (transferred, _chunk, total) => opts.onProgress?.(transferred, total),
        },
        (err) => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (aborted) return;
          if (err) reject(new ExecutorError('upload_failed', `upload to ${remotePath} failed: ${err.message}`));
          else resolve();
        },
      );
    });
  } finally {
    sftp.end();
  }
}
