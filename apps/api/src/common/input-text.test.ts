import { BadRequestException } from '@nestjs/common';
import { SAFE_TEXT_MESSAGE } from '@wharf/shared';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findInputProblem, MAX_INPUT_DEPTH } from './input-text.js';
import { ZodPipe } from './zod.pipe.js';

describe('findInputProblem', () => {
  it('names the field holding a NUL or an unpaired surrogate, however deep', () => {
    expect(findInputProblem({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toEqual({
      path: 'b.c.1',
      message: SAFE_TEXT_MESSAGE,
    });
    expect(findInputProblem({ name: 'x\ud800' })?.path).toBe('name');
    expect(findInputProblem('\udc00', ['slug'])?.path).toBe('slug');
  });

  it('checks keys too, and names the object holding the key', () => {
    expect(findInputProblem({ config: { 'k\u0000': 1 } })).toEqual({
      path: 'config',
      message: `field names ${SAFE_TEXT_MESSAGE}`,
    });
  });

  it('names the shallowest problem first', () => {
    expect(findInputProblem({ deep: { deeper: 'a\u0000' }, top: 'b\u0000' })?.path).toBe('top');
  });

  it('refuses JSON nested deeper than any request needs', () => {
    let v: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH + 1; i++) v = [v];
    expect(findInputProblem({ a: v })?.message).toMatch(/nested/);
    let ok: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i++) ok = [ok];
    expect(findInputProblem(ok)).toBeNull();
  });

  it('accepts ordinary input', () => {
    expect(findInputProblem({ name: 'Ünïcødé 😀', n: 1, list: [true, null] })).toBeNull();
    expect(findInputProblem(undefined)).toBeNull();
  });
});

describe('ZodPipe', () => {
  const pipe = new ZodPipe(z.object({ note: z.string() }));

  it('refuses unstorable text even where the schema would accept it, naming the field', () => {
    const err = (() => {
      try {
        pipe.transform({ note: 'a\u0000b' }, { type: 'body' });
      } catch (e) {
        return e as BadRequestException;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err?.getResponse()).toEqual({
      message: `note: ${SAFE_TEXT_MESSAGE}`,
      issues: [{ path: 'note', message: SAFE_TEXT_MESSAGE }],
    });
  });

  it('names a route parameter in the issues', () => {
    const uuid = new ZodPipe(z.uuid('envId must be a UUID'));
    try {
      uuid.transform('nope', { type: 'param', data: 'envId' });
      expect.unreachable();
    } catch (e) {
      expect((e as BadRequestException).getResponse()).toEqual({
        message: 'envId must be a UUID',
        issues: [{ path: 'envId', message: 'envId must be a UUID' }],
      });
    }
  });
});
