import { describe, expect, it } from 'vitest';
import { durationMs, durationSchema } from '../../shared/gate/duration.js';

describe('stage durations', () => {
  it('reads units and sums parts', () => {
    expect(durationMs('250ms')).toBe(250);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('1d')).toBe(86_400_000);
  });

  it('refuses a bare number, a negative, a fraction and an unknown unit', () => {
    for (const text of ['120', '-5m', '1.5h', '2w', '', 'h']) {
      expect(durationMs(text)).toBeUndefined();
      expect(durationSchema.safeParse(text).success).toBe(false);
    }
    expect(durationSchema.parse('5m')).toBe(300_000);
  });
});
