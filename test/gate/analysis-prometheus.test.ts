import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudits } from '../../shared/gate/audit.js';
import { PrometheusClient } from '../../shared/gate/analysis/prometheus.js';
import { runAnalysis } from '../../shared/gate/analysis/run-analysis.js';
import { analysisSpecSchema, type AnalysisDeps, type AnalysisOutcome } from '../../shared/gate/types.js';
import { sleep } from '../../shared/http/sleep.js';
import { gateStep } from '../../shared/steps/gate.js';
import { prometheusBinary, startPrometheus, type ExportedSeries, type PrometheusServer } from '../servers/prometheus.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const available = prometheusBinary() !== undefined;

const ERRORS = 'max(modelci_error_ratio{track="canary"})';
const LATENCY = 'max(modelci_latency_p95_ms{track="canary"})';

function healthy(errorRatio = 0.004, latency = 80): ExportedSeries[] {
  return [
    { name: 'modelci_error_ratio', labels: { track: 'canary' }, value: errorRatio },
    { name: 'modelci_latency_p95_ms', labels: { track: 'canary' }, value: latency },
  ];
}

/** Per-pod error ratios of both tracks: each pod is one sample of the comparison. */
function pods(canary: number[], baseline: number[]): ExportedSeries[] {
  return [
    ...canary.map((value, i) => ({ name: 'modelci_pod_error_ratio', labels: { track: 'canary', pod: `canary-${i}` }, value })),
    ...baseline.map((value, i) => ({ name: 'modelci_pod_error_ratio', labels: { track: 'stable', pod: `stable-${i}` }, value })),
  ];
}

const comparison = { name: 'error_rate_vs_stable', compare: { canary: 'modelci_pod_error_ratio{track="canary"}', baseline: 'modelci_pod_error_ratio{track="stable"}' }, test: 'mann-whitney', 'max-increase': 0.002 };

describe.skipIf(!available)('the live analysis on a real Prometheus', () => {
  let server: PrometheusServer;
  beforeAll(async () => {
    server = await startPrometheus();
  });
  afterAll(async () => {
    await server?.stop();
  });

  function spec(extra: Record<string, unknown> = {}) {
    return analysisSpecSchema.parse({
      prometheus: { url: server.url, timeout: '5s' },
      interval: '1s',
      count: 3,
      metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }, { name: 'p95_latency_ms', query: LATENCY, max: 120 }],
      ...extra,
    });
  }

  /** The real clock: the rounds are real seconds apart, as in a pipeline. */
  function realDeps(extra: Partial<AnalysisDeps> = {}): AnalysisDeps & { lines: string[] } {
    const lines: string[] = [];
    return { now: Date.now, sleep, log: (line) => lines.push(line), env: {}, stage: 'canary', lines, ...extra };
  }

  const check = (outcome: AnalysisOutcome, name: string) => outcome.checks.find((entry) => entry.name === `analysis:${name}`)!;

  it('a healthy canary passes: every metric measured count times, each printed as it came', async () => {
    await server.expose(healthy());
    const deps = realDeps();
    const outcome = await runAnalysis(spec(), deps);
    expect(outcome.passed).toBe(true);
    expect(outcome.measurements).toHaveLength(6);
    expect(outcome.measurements.every((measurement) => measurement.passed && measurement.value !== null)).toBe(true);
    expect(deps.lines).toContain('canary error_rate 1/3: 0.004 <= 0.01 pass');
    expect(deps.lines).toContain('canary p95_latency_ms 3/3: 80 <= 120 pass');
    expect(check(outcome, 'error_rate')).toMatchObject({ passed: true, data: { measured: 3, failed: 0, values: [0.004, 0.004, 0.004], queries: [ERRORS] } });
    expect(outcome.reason).toBe('2 metrics passed: 3 measurements each, at most 0 failed');
  });

  it('an error spike fails the analysis at once, with the value and the bound as the reason', async () => {
    await server.expose(healthy(0.05));
    const deps = realDeps();
    const outcome = await runAnalysis(spec(), deps);
    expect(outcome.passed).toBe(false);
    expect(outcome.reason).toBe('error_rate: 1 of 1 measurements failed (limit 0); only 1 of 3 taken: stopped after error_rate failed more than 0 of its measurements; at 1/3: 0.05 <= 0.01');
    expect(deps.lines).toContain('canary error_rate 1/3: 0.05 <= 0.01 fail');
    // The latency was fine, but an analysis cut short proves nothing about it either.
    expect(check(outcome, 'p95_latency_ms')).toMatchObject({ passed: false, data: { measured: 1, failed: 0 } });
  });

  it('an exporter with no series fails: an empty result is no data, never a pass', async () => {
    await server.expose([]);
    const outcome = await runAnalysis(spec({ metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]).toMatchObject({ value: null, passed: false, error: 'empty result: the query matched no series' });
    expect(outcome.reason).toMatch(/^error_rate: 1 of 1 measurements failed .*empty result: the query matched no series$/);
  });

  it('NaN fails (a metric with only a max bound is not passed by NaN, as Argo passes it)', async () => {
    await server.expose(healthy(Number.NaN));
    const deps = realDeps();
    const outcome = await runAnalysis(spec({ metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), deps);
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]).toMatchObject({ value: null, error: 'NaN (no data in the window, or 0/0)' });
    expect(deps.lines[0]).toBe('canary error_rate 1/3: no value (NaN (no data in the window, or 0/0)), needs <= 0.01: fail');
  });

  it('+Inf fails', async () => {
    await server.expose(healthy(Number.POSITIVE_INFINITY));
    const outcome = await runAnalysis(spec({ metrics: [{ name: 'error_rate', query: ERRORS, min: 0 }] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]!.error).toMatch(/^\+Inf/);
  });

  it('several series for a threshold fail and say which', async () => {
    await server.expose(pods([0.001, 0.002], []));
    const outcome = await runAnalysis(spec({ metrics: [{ name: 'error_rate', query: 'modelci_pod_error_ratio', max: 0.01 }] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]!.error).toMatch(/^2 series where a threshold needs one: \{.*pod="canary-0".*\} \{.*pod="canary-1".*\}; aggregate the query/);
  });

  it('PromQL that Prometheus cannot parse is a failed measurement naming its error', async () => {
    await server.expose(healthy());
    const outcome = await runAnalysis(spec({ metrics: [{ name: 'error_rate', query: 'sum(rate(modelci_error_ratio[5m]', max: 0.01 }] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]!.error).toMatch(/rejected the query \(HTTP 400 bad_data: .*parse error/);
  });

  it('within failure-limit a failed measurement is tolerated; every metric still measured count times', async () => {
    await server.expose(healthy(Number.NaN));
    const outcome = await runAnalysis(spec({ count: 2, 'failure-limit': 1, metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), realDeps({
      // Between the rounds the canary recovers: the second measurement passes.
      sleep: async (ms, signal) => {
        await server.expose(healthy());
        await sleep(Math.max(0, ms - 1000), signal);
      },
    }));
    expect(outcome.measurements.map((measurement) => measurement.passed)).toEqual([false, true]);
    expect(outcome.passed).toBe(true);
  });

  it('a comparison with a clear increase fails: one-sided Mann-Whitney p < alpha and the medians differ by more than max-increase', async () => {
    await server.expose(pods([0.051, 0.048, 0.055, 0.05, 0.047], [0.011, 0.009, 0.01, 0.012, 0.008]));
    const deps = realDeps();
    const outcome = await runAnalysis(spec({ metrics: [comparison] }), deps);
    expect(outcome.passed).toBe(false);
    const [first] = outcome.measurements;
    expect(first).toMatchObject({ value: 0.05, baseline: 0.01, passed: false });
    // Every canary pod above every stable pod: the exact p of 5 against 5 is 1/252.
    expect(first!.pValue).toBeCloseTo(1 / 252, 12);
    expect(deps.lines[0]).toBe('canary error_rate_vs_stable 1/3: canary 0.05 vs baseline 0.01 (+0.04, p 0.003968, n 5/5), increase <= 0.002 (Mann-Whitney, alpha 0.05) fail');
    expect(check(outcome, 'error_rate_vs_stable').data).toMatchObject({ baselines: [0.01], queries: [comparison.compare.canary, comparison.compare.baseline] });
  });

  it('a comparison of equal distributions passes', async () => {
    await server.expose(pods([0.012, 0.009, 0.01, 0.011, 0.013], [0.011, 0.01, 0.012, 0.009, 0.013]));
    const outcome = await runAnalysis(spec({ count: 2, metrics: [comparison] }), realDeps());
    expect(outcome.passed).toBe(true);
    expect(outcome.measurements.every((measurement) => measurement.pValue! > 0.05)).toBe(true);
  });

  it('a comparison whose baseline has no data fails (Kayenta leaves such a metric out of the score)', async () => {
    await server.expose(pods([0.01, 0.011, 0.012], []));
    const outcome = await runAnalysis(spec({ metrics: [comparison] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]).toMatchObject({ value: null, baseline: null, error: 'no data: the baseline query returned no samples' });
  });

  it('a comparison on too few samples for the test to ever reject fails instead of passing by default', async () => {
    await server.expose(pods([0.09], [0.01, 0.011, 0.012]));
    const outcome = await runAnalysis(spec({ metrics: [comparison] }), realDeps());
    expect(outcome.passed).toBe(false);
    expect(outcome.measurements[0]!.error).toMatch(/^too few samples \(n 1\/3\): the test cannot reach alpha 0.05 with them \(smallest p 0.25\)/);
  });

  it('sends the bearer token from the variable token-env names, masks it and never prints it', async () => {
    await server.expose(healthy());
    const token = 'prom-secret-token-1234';
    const proxy = await server.withBearerToken(token);
    try {
      const masked: string[] = [];
      const deps = realDeps({ env: { PROM_TOKEN: token }, mask: (secret) => masked.push(secret) });
      const outcome = await runAnalysis(spec({ prometheus: { url: proxy.url, 'token-env': 'PROM_TOKEN' }, count: 1 }), deps);
      expect(outcome.passed).toBe(true);
      expect(masked).toEqual([token]);
      expect(proxy.requests.every((request) => request.authorization === `Bearer ${token}`)).toBe(true);
      expect(JSON.stringify({ outcome, lines: deps.lines })).not.toContain(token);

      const refused = await runAnalysis(spec({ prometheus: { url: proxy.url }, count: 1 }), realDeps());
      expect(refused.passed).toBe(false);
      expect(refused.measurements[0]!.error).toMatch(/refused the query \(HTTP 401\)/);

      const unset = await runAnalysis(spec({ prometheus: { url: proxy.url, 'token-env': 'PROM_TOKEN' }, count: 1 }), realDeps());
      expect(unset.passed).toBe(false);
      expect(unset.measurements).toEqual([]);
      expect(unset.reason).toMatch(/not started: analysis.prometheus.token-env names PROM_TOKEN, which is not set or empty/);
    } finally {
      await proxy.stop();
    }
  });

  it('an answer larger than the client reads fails instead of filling memory', async () => {
    await server.expose(pods([0.01, 0.02, 0.03], [0.01, 0.02, 0.03]));
    const client = new PrometheusClient({ url: server.url, timeoutMs: 5000, maxBytes: 200 });
    await expect(client.query('modelci_pod_error_ratio', Date.now())).rejects.toMatchObject({ code: 'prometheus-api', message: expect.stringMatching(/answered more than 200 bytes/) });
    const unbounded = new PrometheusClient({ url: server.url, timeoutMs: 5000 });
    expect(await unbounded.query('modelci_pod_error_ratio', Date.now())).toMatchObject({ type: 'vector', series: { length: 6 } });
  });

  describe('the schedule, on a fake clock (Prometheus stays real)', () => {
    it('waits initial-delay, then measures every interval from the start, evaluating each query at its round time', async () => {
      await server.expose(healthy());
      const base = Date.now();
      let clock = base;
      const waits: number[] = [];
      const deps: AnalysisDeps = {
        now: () => clock,
        // A slow round: each query takes 400 ms of the fake clock, which the next wait absorbs.
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
        log: () => clock += 400,
        env: {},
      };
      const outcome = await runAnalysis(spec({ 'initial-delay': '1m', interval: '30s', count: 4, metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), deps);
      expect(outcome.passed).toBe(true);
      expect(waits).toEqual([60_000, 29_600, 29_600, 29_600]);
      expect(outcome.measurements.map((measurement) => Date.parse(measurement.at) - base)).toEqual([60_000, 90_000, 120_000, 150_000]);
    });

    it('more than failure-limit failures fail the metric and stop the analysis at that round', async () => {
      // A minute ahead of the real clock (within Prometheus's 5 minute lookback), so the value each
      // round's query sees is the one exposed before it, however long the scrape took.
      let clock = Date.now() + 60_000;
      const rounds = [healthy(), healthy(0.02), healthy(0.03), healthy()];
      let round = 0;
      await server.expose(rounds[0]!);
      const outcome = await runAnalysis(spec({ count: 4, 'failure-limit': 1, metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), {
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
          await server.expose(rounds[++round]!);
        },
        log: () => undefined,
        env: {},
      });
      expect(outcome.passed).toBe(false);
      expect(outcome.measurements.map((measurement) => measurement.value)).toEqual([0.004, 0.02, 0.03]);
      expect(outcome.reason).toMatch(/^error_rate: 2 of 3 measurements failed \(limit 1\); only 3 of 4 taken/);
    });

    it('a cancelled analysis fails with what it measured so far', async () => {
      await server.expose(healthy());
      const controller = new AbortController();
      let clock = Date.now();
      const outcome = await runAnalysis(spec({ count: 3, metrics: [{ name: 'error_rate', query: ERRORS, max: 0.01 }] }), {
        now: () => clock,
        sleep: async (ms, signal) => {
          clock += ms;
          controller.abort(new Error('the job was cancelled'));
          if (signal?.aborted) throw signal.reason;
        },
        log: () => undefined,
        env: {},
        signal: controller.signal,
      });
      expect(outcome.passed).toBe(false);
      expect(outcome.measurements).toHaveLength(1);
      expect(outcome.reason).toBe('error_rate: 0 of 1 measurements failed (limit 0); only 1 of 3 taken: cancelled: the job was cancelled; values 0.004 to 0.004, <= 0.01');
    });
  });

  describe('through the gate step, on the file registry', () => {
    let project: GateProject;
    const versions: string[] = [];
    interface Check { name: string; passed: boolean; detail: string }
    const checksOf = (json: Record<string, unknown>): Check[] => json.checks as Check[];

    beforeAll(async () => {
      project = await gateProject();
      // The step as shipped: the real clock and the real analysis.
      project.steps = [gateStep];
      await project.config(`stages:
  - name: staging
    requires: [evaluate]
  - name: canary
    after: staging
    analysis:
      prometheus: {url: '${server.url}'}
      interval: 1s
      count: 2
      metrics:
        - {name: error_rate, query: '${ERRORS}', max: 0.01}
`);
      for (const seed of ['one', 'two', 'three']) versions.push(await project.push(seed));
      await server.expose(healthy());
      for (const stage of ['staging', 'canary']) {
        const run = await project.cli(gateArgs(project, stage, versions[0]!));
        expect(run.code, run.stderr).toBe(0);
      }
      expect(await project.registry.getAlias('churn', 'canary')).toBe(versions[0]);
    });
    afterAll(async () => {
      await project?.remove();
    });

    it('a canary with an error spike denies, and the alias is back where it was', async () => {
      expect((await project.cli(gateArgs(project, 'staging', versions[1]!))).code).toBe(0);
      await server.expose(healthy(0.05));
      const run = await project.cli(gateArgs(project, 'canary', versions[1]!));
      expect(run.code, run.stderr).toBe(1);
      expect(run.json).toMatchObject({ decision: 'deny', stage: 'canary', version: versions[1] });
      expect(run.stderr).toContain('canary error_rate 1/2: 0.05 <= 0.01 fail');
      const checks = checksOf(run.json);
      expect(checks.find((check) => check.name === 'analysis:error_rate')).toMatchObject({ passed: false, detail: expect.stringContaining('at 1/2: 0.05 <= 0.01') });
      expect(checks.find((check) => check.name === 'rollback')).toMatchObject({ passed: true });
      expect(await project.registry.getAlias('churn', 'canary')).toBe(versions[0]);
      // The canary's audit record: both moves, and the measurement with its query and value.
      const audit = (await readAudits(project.registry, 'churn', versions[1]!)).map((record) => record.statement?.predicate).find((predicate) => predicate?.modelci.stage === 'canary');
      expect(audit?.verificationResult).toBe('FAILED');
      expect(audit?.modelci.moves.map((move) => [move.alias, move.kind, move.from, move.to])).toEqual([['canary', 'promote', versions[0], versions[1]], ['canary', 'rollback', versions[1], versions[0]]]);
      expect(audit?.modelci.checks.find((check) => check.name === 'analysis:error_rate')?.data).toMatchObject({ queries: [ERRORS], values: [0.05], failed: 1 });
    });

    // Last in the file: it stops Prometheus.
    it('Prometheus stopped: the analysis fails every measurement as unreachable; through the step, deny, exit 1, the alias back', async () => {
      await server.expose(healthy());
      expect((await project.cli(gateArgs(project, 'staging', versions[2]!))).code).toBe(0);
      await server.stopPrometheus();

      const outcome = await runAnalysis(spec(), realDeps());
      expect(outcome.passed).toBe(false);
      expect(outcome.measurements.length).toBeGreaterThan(0);
      expect(outcome.measurements.every((measurement) => !measurement.passed && measurement.value === null)).toBe(true);
      expect(outcome.measurements[0]!.error).toMatch(/^Prometheus unreachable: Could not query Prometheus at 127\.0\.0\.1:\d+: .* did not answer \(ECONNREFUSED\)/);
      expect(outcome.reason).toMatch(/^error_rate: 1 of 1 measurements failed .*Prometheus unreachable/);

      const run = await project.cli(gateArgs(project, 'canary', versions[2]!));
      expect(run.code, run.stderr).toBe(1);
      expect(run.json).toMatchObject({ decision: 'deny', version: versions[2] });
      expect(checksOf(run.json).find((check) => check.name === 'analysis:error_rate')!.detail).toMatch(/Prometheus unreachable: .*ECONNREFUSED/);
      expect(await project.registry.getAlias('churn', 'canary')).toBe(versions[0]);
    });
  });
});
