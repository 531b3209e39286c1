import { describe, expect, it } from 'vitest';
import { retentionBody, retentionMode } from './LogRetentionSection';

describe('log retention form', () => {
  it('maps the stored setting to a choice and back', () => {
    expect([retentionMode(null), retentionMode(0), retentionMode(30)]).toEqual(['default', 'forever', 'days']);
    expect(retentionBody('default', '12')).toEqual({ days: null });
    expect(retentionBody('forever', '12')).toEqual({ days: 0 });
    expect(retentionBody('days', ' 30 ')).toEqual({ days: 30 });
  });

  it('refuses a number of days the API would refuse (or 0, which means forever)', () => {
    for (const bad of ['', 'ten', '1.5', '-3', '0', '36501']) expect(retentionBody('days', bad), bad).toBeNull();
  });
});
