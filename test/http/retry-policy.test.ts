import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY, retryableStatus, serverWaitMs } from '../../shared/http/retry-policy.js';

describe('retry policy', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it.each([
    { name: 'Retry-After seconds', headers: { 'retry-after': '12' }, expected: 12_000 },
    { name: 'Retry-After HTTP date', headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, expected: 30_000 },
    { name: 'Retry-After date in the past', headers: { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, expected: 0 },
    { name: 'rate-limit reset when none remain', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 45) }, expected: 45_000 },
    { name: 'rate-limit reset while some remain', headers: { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(now / 1000 + 45) }, expected: undefined },
    { name: 'Retry-After wins over the reset', headers: { 'retry-after': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 45) }, expected: 2000 },
    { name: 'nonsense', headers: { 'retry-after': 'soon' }, expected: undefined },
  ])('reads the wait the server asks for: $name', ({ headers, expected }) => {
    expect(serverWaitMs(headers, now)).toBe(expected);
  });

  it.each([
    { status: 429, headers: {}, expected: true },
    { status: 502, headers: {}, expected: true },
    { status: 503, headers: {}, expected: true },
    { status: 504, headers: {}, expected: true },
    { status: 500, headers: {}, expected: false },
    { status: 404, headers: {}, expected: false },
    { status: 403, headers: {}, expected: false },
    { status: 403, headers: { 'x-ratelimit-remaining': '0' }, expected: true },
    { status: 403, headers: { 'retry-after': '60' }, expected: true },
  ])('retries $status $headers: $expected', ({ status, headers, expected }) => {
    expect(retryableStatus(status, headers)).toBe(expected);
  });

  it('draws full jitter below a doubling ceiling that stops at the cap', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });
});
