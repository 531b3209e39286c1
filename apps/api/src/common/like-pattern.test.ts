import { describe, expect, it } from 'vitest';
import { containsPattern, escapeLike } from './like-pattern.js';

describe('LIKE patterns', () => {
  it("escapes LIKE's wildcards and its escape character, and nothing else", () => {
    expect(escapeLike('100%')).toBe('100\\%');
    expect(escapeLike('a_b')).toBe('a\\_b');
    expect(escapeLike('C:\\x')).toBe('C:\\\\x');
    expect(escapeLike('deploy.%_\\')).toBe('deploy.\\%\\_\\\\');
    expect(escapeLike('deployment.started')).toBe('deployment.started');
  });

  it("matches LIKE's wildcards in the text as themselves", () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
