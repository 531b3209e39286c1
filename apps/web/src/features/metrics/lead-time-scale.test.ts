import { describe, expect, it } from 'vitest';
import { leadTimeScale } from './lead-time-scale';

const points = (...seconds: (number | null)[]) => seconds.map((s) => ({ leadTimeMedianSeconds: s }));

describe('lead-time chart unit', () => {
  it('is hours when any median is an hour or more, or when there is none', () => {
    expect(leadTimeScale(points(12, 7200, null)).unit).toBe('hours');
    expect(leadTimeScale(points(3600)).unit).toBe('hours');
    expect(leadTimeScale(points(null, null))).toEqual({ unit: 'hours', secondsPerUnit: 3600 });
    expect(leadTimeScale([]).unit).toBe('hours');
  });

  it('is minutes or seconds when every median is shorter, so the axis is not all zeros', () => {
    expect(leadTimeScale(points(90, null, 3599))).toEqual({ unit: 'minutes', secondsPerUnit: 60 });
    expect(leadTimeScale(points(12, null))).toEqual({ unit: 'seconds', secondsPerUnit: 1 });
  });
});
