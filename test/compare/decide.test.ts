import { describe, expect, it } from 'vitest';
import { decide, type ChangeStatistics } from '../../shared/compare/decide.js';
import { normalizePolicy, PolicyProblem, type PolicyInput } from '../../shared/compare/policy.js';
import type { Side } from '../../shared/compare/sides.js';

const ROWS = 'sha256:rows';

function side(metrics: Record<string, number | null>, extra: Partial<Side> = {}): Side {
  return { kind: 'evaluate-evidence', source: 'x.json', digest: 'sha256:x', metrics: new Map(Object.entries(metrics)), evaluateStatus: 'passed', rowsDigest: ROWS, ...extra };
}

function run(policy: PolicyInput, challenger: Side, champion: Side | null, stats?: Record<string, ChangeStatistics>) {
  return decide(normalizePolicy(policy), challenger, champion, new Map(Object.entries(stats ?? {})));
}

// Each case: a policy, the two sides, and the decision a careful reviewer would take.
// MLflow's validate_evaluation_results and TFX's evaluator are sound on the plain cases
// (bounds inclusive, absolute and relative change thresholds); the rest are where they fail open.
const cases: { name: string; policy: PolicyInput; challenger: Side; champion: Side | null; promote: boolean; reason?: RegExp }[] = [
  { name: 'a value on the lower bound passes (inclusive)', policy: { metrics: { roc_auc: { min: 0.8 } } }, challenger: side({ roc_auc: 0.8 }), champion: side({ roc_auc: 0.9 }), promote: true },
  { name: 'a value below the lower bound fails', policy: { metrics: { roc_auc: { min: 0.8 } } }, challenger: side({ roc_auc: 0.7999 }), champion: side({ roc_auc: 0.7 }), promote: false, reason: /min 0.8 failed/ },
  { name: 'an error metric on its upper bound passes', policy: { metrics: { log_loss: { max: 0.5 } } }, challenger: side({ log_loss: 0.5 }), champion: side({ log_loss: 0.4 }), promote: true },
  { name: 'an absolute improvement exactly met passes', policy: { metrics: { accuracy: { 'min-improvement': 0.01 } } }, challenger: side({ accuracy: 0.81 }), champion: side({ accuracy: 0.8 }), promote: true },
  { name: 'an improvement short of the minimum fails', policy: { metrics: { accuracy: { 'min-improvement': 0.02 } } }, challenger: side({ accuracy: 0.81 }), champion: side({ accuracy: 0.8 }), promote: false, reason: /min-improvement 0.02 failed/ },
  { name: 'lower is better: a smaller log_loss is an improvement', policy: { metrics: { log_loss: { 'min-improvement': 0.05 } } }, challenger: side({ log_loss: 0.3 }), champion: side({ log_loss: 0.4 }), promote: true },
  { name: 'lower is better: a larger log_loss is a regression', policy: { metrics: { log_loss: { 'min-improvement': 0 } } }, challenger: side({ log_loss: 0.41 }), champion: side({ log_loss: 0.4 }), promote: false },
  { name: 'a regression within the non-inferiority margin passes', policy: { metrics: { accuracy: { 'max-regression': 0.01 } } }, challenger: side({ accuracy: 0.795 }), champion: side({ accuracy: 0.8 }), promote: true },
  { name: 'a regression beyond the margin fails', policy: { metrics: { accuracy: { 'max-regression': 0.01 } } }, challenger: side({ accuracy: 0.785 }), champion: side({ accuracy: 0.8 }), promote: false },
  { name: 'a relative margin is a share of the champion', policy: { metrics: { log_loss: { 'max-regression': '5%' } } }, challenger: side({ log_loss: 0.42 }), champion: side({ log_loss: 0.4 }), promote: true },
  { name: 'beyond the relative margin fails', policy: { metrics: { log_loss: { 'max-regression': '5%' } } }, challenger: side({ log_loss: 0.4201 }), champion: side({ log_loss: 0.4 }), promote: false },
  // MLflow divides by the signed baseline: with a negative r2 champion a worse challenger "improves".
  { name: 'a negative champion: relative rules divide by its absolute value', policy: { metrics: { r2: { 'min-improvement': '10%' } } }, challenger: side({ r2: -0.6 }), champion: side({ r2: -0.5 }), promote: false },
  { name: 'a negative champion: a real improvement of 20% passes', policy: { metrics: { r2: { 'min-improvement': '10%' } } }, challenger: side({ r2: -0.4 }), champion: side({ r2: -0.5 }), promote: true },
  // MLflow lets NaN pass a relative-change rule (every comparison with NaN is false, so no failure is raised).
  { name: 'an undefined challenger value fails every rule', policy: { metrics: { roc_auc: { 'min-improvement': '1%' } } }, challenger: side({ roc_auc: null }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /challenger has no value/ },
  { name: 'an undefined champion value fails the change rule', policy: { metrics: { roc_auc: { 'max-regression': 0.01 } } }, challenger: side({ roc_auc: 0.8 }), champion: side({ roc_auc: null }), promote: false, reason: /champion has no value/ },
  { name: 'a metric missing on the challenger fails', policy: { metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ accuracy: 0.9 }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /missing on the challenger/ },
  { name: 'a metric missing on the champion fails', policy: { metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ roc_auc: 0.9 }), champion: side({ accuracy: 0.8 }), promote: false, reason: /missing on the champion/ },
  // TFX blesses the first model on values alone without saying so; here it takes an explicit opt-in.
  { name: 'no champion rejects by default', policy: { metrics: { roc_auc: { min: 0.5, 'min-improvement': 0 } } }, challenger: side({ roc_auc: 0.9 }), champion: null, promote: false, reason: /first-model: reject/ },
  { name: 'no champion with first-model: allow applies the bounds', policy: { 'first-model': 'allow', metrics: { roc_auc: { min: 0.5, 'min-improvement': 0 } } }, challenger: side({ roc_auc: 0.9 }), champion: null, promote: true },
  { name: 'no champion with first-model: allow still fails a bound', policy: { 'first-model': 'allow', metrics: { roc_auc: { min: 0.95 } } }, challenger: side({ roc_auc: 0.9 }), champion: null, promote: false },
  // TFX writes no blessing at all without thresholds; an empty policy is a reject with its reason.
  { name: 'a policy with no metrics never promotes', policy: {}, challenger: side({ roc_auc: 0.9 }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /no rules/ },
  { name: 'a metric without rules never promotes', policy: { metrics: { roc_auc: {} } }, challenger: side({ roc_auc: 0.9 }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /no rule/ },
  { name: 'other rows reject unless unpaired is allowed', policy: { metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ roc_auc: 0.9 }), champion: side({ roc_auc: 0.8 }, { rowsDigest: 'sha256:other' }), promote: false, reason: /different rows/ },
  { name: 'other rows pass with paired: allow-unpaired', policy: { paired: 'allow-unpaired', metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ roc_auc: 0.9 }), champion: side({ roc_auc: 0.8 }, { rowsDigest: 'sha256:other' }), promote: true },
  { name: 'no rows digest on a side is unpaired', policy: { metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ roc_auc: 0.9 }, { rowsDigest: undefined }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /id column/ },
  { name: 'a challenger whose evaluate failed is rejected', policy: { metrics: { roc_auc: { min: 0.5 } } }, challenger: side({ roc_auc: 0.9 }, { evaluateStatus: 'failed' }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /evaluate evidence is failed/ },
  { name: 'significance without an interval fails closed', policy: { metrics: { roc_auc: { 'min-improvement': 0, significance: true } } }, challenger: side({ roc_auc: 0.9 }), champion: side({ roc_auc: 0.8 }), promote: false, reason: /per-row predictions/ },
];

describe('compare decides as the policy says and fails closed', () => {
  for (const c of cases) {
    it(c.name, () => {
      const decision = run(c.policy, c.challenger, c.champion);
      expect(decision.decision).toBe(c.promote ? 'promote' : 'reject');
      if (c.promote) expect(decision.reasons).toEqual([]);
      if (c.reason) expect(decision.reasons.join('\n')).toMatch(c.reason);
    });
  }

  it('lists the change rules as skipped, with the reason, for a first model', () => {
    const decision = run({ 'first-model': 'allow', metrics: { roc_auc: { min: 0.5, 'min-improvement': 0, 'max-regression': 0.01 } } }, side({ roc_auc: 0.9 }), null);
    expect(decision.metrics[0]!.rules.map((rule) => [rule.rule, rule.passed])).toEqual([['min 0.5', true], ['min-improvement 0', null], ['max-regression 0.01', null]]);
    expect(decision.metrics[0]!.rules[1]!.detail).toMatch(/no champion/);
    expect(decision.notes.join()).toMatch(/first-model: allow/);
  });

  it('uses the lower end of the interval when significance is asked', () => {
    const policy = { metrics: { roc_auc: { 'min-improvement': 0, significance: true } } };
    const clears = run(policy, side({ roc_auc: 0.82 }), side({ roc_auc: 0.8 }), { roc_auc: { ci: [0.001, 0.04], pValue: 0.01, test: 'delong' } });
    expect(clears.decision).toBe('promote');
    expect(clears.metrics[0]).toMatchObject({ ci: [0.001, 0.04], pValue: 0.01, test: 'delong' });
    const straddles = run(policy, side({ roc_auc: 0.82 }), side({ roc_auc: 0.8 }), { roc_auc: { ci: [-0.001, 0.04], pValue: 0.2, test: 'delong' } });
    expect(straddles.decision).toBe('reject');
  });

  it('for a lower-is-better metric, the worst end of the interval is its upper end', () => {
    const policy = { metrics: { log_loss: { 'max-regression': 0.02, significance: true } } };
    expect(run(policy, side({ log_loss: 0.41 }), side({ log_loss: 0.4 }), { log_loss: { ci: [-0.01, 0.019], pValue: null, test: 'paired-bootstrap' } }).decision).toBe('promote');
    expect(run(policy, side({ log_loss: 0.41 }), side({ log_loss: 0.4 }), { log_loss: { ci: [-0.01, 0.021], pValue: null, test: 'paired-bootstrap' } }).decision).toBe('reject');
  });

  it('ignores statistics of unpaired rows', () => {
    const decision = run({ paired: 'allow-unpaired', metrics: { roc_auc: { 'min-improvement': 0, significance: true } } }, side({ roc_auc: 0.9 }), side({ roc_auc: 0.8 }, { rowsDigest: 'sha256:other' }), { roc_auc: { ci: [0.05, 0.15], pValue: 0.001, test: 'delong' } });
    expect(decision.paired).toBe(false);
    expect(decision.decision).toBe('reject');
  });

  it('reports delta and a relative delta over the absolute champion value', () => {
    const [metric] = run({ metrics: { r2: { min: -1 } } }, side({ r2: -0.4 }), side({ r2: -0.5 })).metrics;
    expect(metric!.delta).toBeCloseTo(0.1, 15);
    expect(metric!.relDelta).toBeCloseTo(0.2, 15);
  });

  it('refuses a relative rule against a champion at zero, naming the rule', () => {
    expect(() => run({ metrics: { r2: { 'min-improvement': '5%' } } }, side({ r2: 0.1 }), side({ r2: 1e-13 }))).toThrow(PolicyProblem);
    const thrown = (() => {
      try {
        run({ metrics: { r2: { 'min-improvement': '5%' } } }, side({ r2: 0.1 }), side({ r2: 0 }));
      } catch (error) {
        return error as PolicyProblem;
      }
      return undefined;
    })();
    expect(thrown?.path).toEqual(['metrics', 'r2', 'min-improvement']);
  });

  it('needs a direction for a metric it does not know, and takes one when written', () => {
    expect(() => normalizePolicy({ metrics: { top5: { min: 0.5 } } })).toThrow(/unknown metric 'top5'/);
    expect(normalizePolicy({ metrics: { top5: { min: 0.5, direction: 'higher' } } }).metrics[0]!.direction).toBe('higher');
    expect(normalizePolicy({ metrics: { mae: { max: 1 } } }).metrics[0]!.direction).toBe('lower');
  });
});
