// Where tarballs live on disk: WHARF_DATA_DIR/artifacts/<projectId>/<sha256>.tar.gz
// (content-addressed), written first under artifacts/tmp/ and renamed into place, so a
// reader never sees a partial file. tmp/ is on the same filesystem, so rename is atomic.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const STORAGE_KEY_PATTERN = /^[0-9a-f-]{36}\/[0-9a-f]{64}\.tar\.gz$/;
/** A temp file untouched this long belongs to a process that died mid-upload. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class ArtifactStorage implements OnModuleInit {
  readonly root: string;
  readonly tmpDir: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = resolve(config.WHARF_DATA_DIR, 'artifacts');
    this.tmpDir = join(this.root, 'tmp');
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await this.sweepStaleTemps();
  }

  /** A fresh, unused temp path (the file itself is created by the writer). */
  async newTempPath(): Promise<string> {
    await mkdir(this.tmpDir, { recursive: true });
    return join(this.tmpDir, `${randomUUID()}.part`);
  }

  storageKey(projectId: string, sha256: string): string {
    return `${projectId}/${sha256}.tar.gz`;
  }

  /** Absolute path of a stored key; refuses anything that is not a key this class made. */
  pathOf(storageKey: string): string {
    if (!STORAGE_KEY_PATTERN.test(storageKey)) throw new Error('invalid artifact storage key');
    const path = resolve(this.root, storageKey);
    if (!path.startsWith(this.root + sep)) throw new Error('invalid artifact storage key');
    return path;
  }

  /**
   * Atomically moves a finished temp file to its key. Same content, same key: replacing an
   * existing file with identical bytes is harmless.
   */
  async moveIntoPlace(tempPath: string, storageKey: string): Promise<string> {
    const path = this.pathOf(storageKey);
    await mkdir(dirname(path), { recursive: true });
    await rename(tempPath, path);
    return path;
  }

  /** Removes a stored file (already gone is fine; other errors are thrown). */
  async remove(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  async removeQuietly(path: string): Promise<void> {
    await rm(path, { force: true }).catch(() => undefined);
  }

  /** Only old files: other api instances may share this directory and be mid-upload. */
  private async sweepStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && now - info.mtimeMs > STALE_TEMP_MS) await this.removeQuietly(path);
    }
  }
}
