import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBoxError, SecretBoxService } from './secret-box.service.js';

const newBox = () => new SecretBoxService({ WHARF_SECRET_KEY: randomBytes(32).toString('base64') });
const PLAINTEXT =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-material-0123456789\n-----END OPENSSH PRIVATE KEY-----\n';

describe('SecretBoxService', () => {
  it('round-trips and lays out iv (12) || ciphertext || tag (16)', () => {
    const box = newBox();
    const sealed = box.seal(PLAINTEXT);
    expect(sealed.length).toBe(12 + Buffer.byteLength(PLAINTEXT) + 16);
    expect(box.open(sealed)).toBe(PLAINTEXT);
    expect(box.open(new Uint8Array(sealed))).toBe(PLAINTEXT);
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('ünïcødé 🔑'))).toBe('ünïcødé 🔑');
  });

  it('never holds the plaintext (or a recognisable part of it) in the sealed bytes', () => {
    const sealed = newBox().seal(PLAINTEXT);
    expect(sealed.includes(Buffer.from(PLAINTEXT))).toBe(false);
    expect(sealed.includes(Buffer.from('secret-material'))).toBe(false);
    expect(sealed.toString('latin1')).not.toContain('OPENSSH');
  });

  it('uses a fresh IV for every seal', () => {
    const box = newBox();
    const a = box.seal(PLAINTEXT);
    const b = box.seal(PLAINTEXT);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('detects tampering with any part: iv, ciphertext or tag', () => {
    const box = newBox();
    const sealed = box.seal(PLAINTEXT);
    for (const index of [0, 11, 12, 20, sealed.length - 17, sealed.length - 16, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[index] = altered[index]! ^ 0x01;
      expect(() => box.open(altered), `byte ${index}`).toThrow(SecretBoxError);
    }
    expect(() => box.open(sealed.subarray(0, sealed.length - 1))).toThrow(SecretBoxError);
    expect(() => box.open(sealed.subarray(0, 20))).toThrow('sealed secret is truncated');
    expect(() => box.open(Buffer.concat([sealed, Buffer.from([0])]))).toThrow(SecretBoxError);
  });

  it('refuses to open with another key, and refuses a key that is not 32 bytes', () => {
    const sealed = newBox().seal(PLAINTEXT);
    expect(() => newBox().open(sealed)).toThrow(/failed authentication/);
    expect(() => new SecretBoxService({ WHARF_SECRET_KEY: randomBytes(16).toString('base64') })).toThrow(/32 bytes/);
  });

  it('does not put the plaintext in its error messages', () => {
    const box = newBox();
    const altered = box.seal(PLAINTEXT);
    altered[15] = altered[15]! ^ 0xff;
    try {
      box.open(altered);
      expect.unreachable('open() accepted altered bytes');
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('secret-material');
    }
  });
});
