import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `5m`, `2h`, `1h30m`, `250ms`, `1d`: the durations stages use. */
export const durationPattern = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** Milliseconds of a duration such as `1h30m`; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!durationPattern.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

/** A duration in YAML: `2h`, `30s`, ... (a bare number is refused: its unit would be a guess). */
export const durationSchema = z
  .string()
  .regex(durationPattern, 'a duration such as 30s, 5m, 2h or 1h30m')
  .transform((text) => durationMs(text)!);
