import { describe, expect, it } from 'vitest';
import { judgeComparison, judgeThreshold, samplesOf, singleValue } from '../../shared/gate/analysis/measure.js';
import { parseQueryData, parseSampleValue, type QueryResult } from '../../shared/gate/analysis/prometheus.js';
import { analysisSpecSchema, type ComparisonMetric, type ThresholdMetric } from '../../shared/gate/types.js';

// Query data in the shapes Prometheus's HTTP API documents (and test/gate/analysis-prometheus.test.ts
// receives from the real server), parsed by the client's own parser.
const vector = (...values: string[]): QueryResult => parseQueryData({ resultType: 'vector', result: values.map((value, i) => ({ metric: { pod: `p${i}` }, value: [1796594832.528, value] })) }, []);
const matrix = (...series: string[][]): QueryResult => parseQueryData({ resultType: 'matrix', result: series.map((values, i) => ({ metric: { pod: `p${i}` }, values: values.map((value, t) => [1796594830 + t, value]) })) }, []);

const errorRate: ThresholdMetric = { name: 'error_rate', query: 'q', max: 0.01 };
const latency: ComparisonMetric = { name: 'latency', compare: { canary: 'c', baseline: 'b' }, test: 'mann-whitney', 'max-decrease': 5, alpha: 0.05 };

describe('reading Prometheus answers', () => {
  it('parses sample values as Go formats them, NaN and infinities included', () => {
    expect(parseSampleValue('0.0042')).toBe(0.0042);
    expect(parseSampleValue('1e+06')).toBe(1e6);
    expect(parseSampleValue('-3')).toBe(-3);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    for (const bad of ['', 'abc', '0x10', 42, null]) expect(() => parseSampleValue(bad)).toThrow(/a sample value must be a number/);
  });

  it('reads every result type and refuses unknown shapes', () => {
    expect(parseQueryData({ resultType: 'scalar', result: [1, '2.5'] }, [])).toEqual({ type: 'scalar', value: 2.5, warnings: [] });
    expect(parseQueryData({ resultType: 'string', result: [1, 'hi'] }, ['w'])).toEqual({ type: 'string', value: 'hi', warnings: ['w'] });
    expect(vector('1', 'NaN')).toMatchObject({ type: 'vector', series: [{ labels: { pod: 'p0' }, value: 1 }, { labels: { pod: 'p1' } }] });
    expect(matrix(['1', '2'], ['3'])).toMatchObject({ type: 'matrix', series: [{ values: [1, 2] }, { values: [3] }] });
    const histogram = parseQueryData({ resultType: 'vector', result: [{ metric: {}, histogram: [1, { count: '3' }] }] }, []);
    expect(histogram).toEqual({ type: 'vector', series: [{ labels: {}, value: undefined }], warnings: [] });
    expect(() => parseQueryData({ resultType: 'table', result: [] }, [])).toThrow(/unknown resultType/);
    expect(() => parseQueryData({ resultType: 'vector', result: {} }, [])).toThrow(/must be a list/);
  });
});

describe('what counts as a failed measurement', () => {
  it('a threshold needs exactly one finite value', () => {
    expect(singleValue(vector('0.004'))).toEqual({ value: 0.004 });
    expect(singleValue(parseQueryData({ resultType: 'scalar', result: [1, '7'] }, []))).toEqual({ value: 7 });
    expect(singleValue(vector())).toEqual({ error: 'empty result: the query matched no series' });
    expect(singleValue(vector('1', '2'))).toMatchObject({ error: expect.stringMatching(/^2 series where a threshold needs one: \{pod="p0"\} \{pod="p1"\}/) });
    expect(singleValue(matrix(['1']))).toMatchObject({ error: expect.stringMatching(/range vector/) });
    for (const value of ['NaN', '+Inf', '-Inf']) {
      const judged = judgeThreshold(errorRate, vector(value));
      expect(judged).toMatchObject({ value: null, passed: false });
      expect(judged.error).toMatch(/^(NaN|\+Inf|-Inf) /);
    }
  });

  it('a provider error is a failed measurement, not a missing one', () => {
    expect(judgeThreshold(errorRate, { error: 'Prometheus unreachable: ...' })).toMatchObject({ value: null, passed: false, error: 'Prometheus unreachable: ...' });
  });

  it('the bounds are inclusive, and a value outside fails with the value kept', () => {
    expect(judgeThreshold(errorRate, vector('0.01'))).toMatchObject({ value: 0.01, passed: true, line: '0.01 <= 0.01 pass' });
    expect(judgeThreshold({ name: 'ok', query: 'q', min: 0.9, max: 1 }, vector('0.85'))).toMatchObject({ value: 0.85, passed: false, line: '0.85 >= 0.9 and <= 1 fail' });
  });

  it('comparison samples: one per series of a vector, one per point of a range vector; any NaN or Inf fails the side', () => {
    expect(samplesOf(vector('1', '2', '3'), 'canary')).toEqual({ samples: [1, 2, 3] });
    expect(samplesOf(matrix(['1', '2'], ['3', '4', '5']), 'canary')).toEqual({ samples: [1, 2, 3, 4, 5] });
    expect(samplesOf(matrix([]), 'baseline')).toEqual({ error: 'no data: the baseline query returned no samples' });
    expect(samplesOf(vector('1', 'NaN', '+Inf'), 'canary')).toEqual({ error: 'canary: 2 of 3 samples are NaN/+Inf' });
  });

  it('a comparison fails only when the shift is significant and larger than allowed, in the direction bounded', () => {
    const baseline = matrix(['100', '101', '102', '103', '104', '105']);
    // 20 lower: significant and beyond max-decrease 5.
    expect(judgeComparison(latency, matrix(['80', '81', '82', '83', '84', '85']), baseline)).toMatchObject({ passed: false, value: 82.5, baseline: 102.5 });
    // 3 lower, significant, but within max-decrease.
    expect(judgeComparison(latency, matrix(['97', '98', '99', '100', '101', '102']), baseline).passed).toBe(true);
    // Much higher: only a decrease is bounded here.
    expect(judgeComparison(latency, matrix(['200', '201', '202', '203', '204', '205']), baseline).passed).toBe(true);
    // Either side empty fails.
    expect(judgeComparison(latency, vector(), baseline)).toMatchObject({ passed: false, error: 'no data: the canary query returned no samples' });
  });
});

describe('config that could pass on no data is refused at load', () => {
  const base = { prometheus: { url: 'http://127.0.0.1:9090' }, interval: '30s', count: 10, metrics: [{ name: 'e', query: 'q', max: 1 }] };
  const message = (spec: unknown): string => analysisSpecSchema.safeParse(spec).error?.issues.map((issue) => issue.message).join('; ') ?? '';

  it('accepts a complete analysis and fills the defaults', () => {
    expect(analysisSpecSchema.parse(base)).toMatchObject({ 'initial-delay': 0, interval: 30_000, 'failure-limit': 0, prometheus: { timeout: 10_000 } });
  });

  it('refuses count 0, no metrics, a metric with no bound, a comparison with no bound, and a failure-limit that allows every measurement to fail', () => {
    expect(message({ ...base, count: 0 })).toMatch(/count must be at least 1/);
    expect(message({ ...base, metrics: [] })).toMatch(/at least one metric/);
    expect(message({ ...base, metrics: [{ name: 'e', query: 'q' }] })).toMatch(/a metric needs a bound/);
    expect(message({ ...base, metrics: [{ name: 'c', compare: { canary: 'a', baseline: 'b' }, test: 'mann-whitney' }] })).toMatch(/needs max-increase or max-decrease/);
    expect(message({ ...base, 'failure-limit': 10 })).toMatch(/failure-limit must be below count/);
    expect(message({ ...base, metrics: [{ name: 'e', query: 'q', max: 1 }, { name: 'e', query: 'r', min: 0 }] })).toMatch(/metric names must be unique/);
  });
});
