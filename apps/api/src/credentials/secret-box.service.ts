// Authenticated encryption for secrets at rest: AES-256-GCM with the key from
// WHARF_SECRET_KEY. Layout: iv (12 bytes) || ciphertext || tag (16 bytes). A fresh random IV
// per seal; any change to the bytes (or a different key) makes open() throw.
import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {}

@Injectable()
export class SecretBoxService {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'WHARF_SECRET_KEY'>) {
    this.key = Buffer.from(config.WHARF_SECRET_KEY, 'base64');
    if (this.key.length !== 32) throw new SecretBoxError('WHARF_SECRET_KEY must be 32 bytes');
  }

  seal(plaintext: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
  }

  open(sealed: Uint8Array): string {
    const box = Buffer.from(sealed);
    if (box.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('sealed secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, box.subarray(0, IV_BYTES));
    decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(box.subarray(IV_BYTES, box.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed secret failed authentication (wrong WHARF_SECRET_KEY or altered data)');
    }
  }
}
