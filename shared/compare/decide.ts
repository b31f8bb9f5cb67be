import { formatAmount, PolicyProblem, type Amount, type MetricPolicy, type Policy } from './policy.js';
import type { Side } from './sides.js';

/** `passed: null` means the rule was skipped (no champion under `first-model: allow`); `detail` says why. */
export interface RuleOutcome {
  rule: string;
  passed: boolean | null;
  detail: string;
}

/** A statistical view of one metric's change, computed from per-row predictions of both sides. */
export interface ChangeStatistics {
  /** Interval of challenger - champion. */
  ci: [number, number];
  pValue: number | null;
  test: string;
}

export interface MetricComparison {
  name: string;
  direction: 'higher' | 'lower';
  champion: number | null;
  challenger: number | null;
  /** challenger - champion */
  delta: number | null;
  /** delta / |champion|; null when the champion is within 1e-12 of zero. */
  relDelta: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  test: string | null;
  rules: RuleOutcome[];
  passed: boolean;
}

export interface Decision {
  decision: 'promote' | 'reject';
  /** Whether both sides scored the same rows; null without a champion. */
  paired: boolean | null;
  /** Why the challenger is rejected; empty when promoted. */
  reasons: string[];
  /** What the decision rests on that a reader should know (first model, point values only). */
  notes: string[];
  metrics: MetricComparison[];
}

const NEAR_ZERO = 1e-12;

function amountText(amount: Amount): string {
  return formatAmount(amount);
}

/** How much better the challenger is, in the metric's direction (negative: worse). */
function improvement(direction: 'higher' | 'lower', delta: number): number {
  return direction === 'higher' ? delta : -delta;
}

/** The least improvement the interval allows, in the metric's direction. */
function worstImprovement(direction: 'higher' | 'lower', ci: [number, number]): number {
  return direction === 'higher' ? ci[0] : -ci[1];
}

function boundRules(metric: MetricPolicy, challenger: number | null): RuleOutcome[] {
  const rules: RuleOutcome[] = [];
  if (metric.min !== undefined) {
    rules.push(challenger === null ? { rule: `min ${metric.min}`, passed: false, detail: 'the challenger has no value' } : { rule: `min ${metric.min}`, passed: challenger >= metric.min, detail: `${challenger} ${challenger >= metric.min ? '>=' : '<'} ${metric.min}` });
  }
  if (metric.max !== undefined) {
    rules.push(challenger === null ? { rule: `max ${metric.max}`, passed: false, detail: 'the challenger has no value' } : { rule: `max ${metric.max}`, passed: challenger <= metric.max, detail: `${challenger} ${challenger <= metric.max ? '<=' : '>'} ${metric.max}` });
  }
  return rules;
}

interface ChangeContext {
  metric: MetricPolicy;
  alpha: number;
  champion: number | null;
  challenger: number | null;
  stats: ChangeStatistics | undefined;
}

/** The needed improvement (min-improvement m) or the allowed one (max-regression m: at least -m), in metric units. */
function threshold(amount: Amount, sign: 1 | -1, champion: number, path: string[]): number {
  if (amount.kind === 'absolute') return sign * amount.value;
  if (Math.abs(champion) < NEAR_ZERO) {
    throw new PolicyProblem(`a relative rule (${amountText(amount)}) needs a champion value away from zero, and the champion's ${path[1]} is ${champion}`, path, 'Write the margin as an absolute amount for this metric.');
  }
  return (sign * amount.percent * Math.abs(champion)) / 100;
}

function changeRule(context: ChangeContext, kind: 'min-improvement' | 'max-regression', amount: Amount): RuleOutcome {
  const { metric, champion, challenger, stats, alpha } = context;
  const rule = `${kind} ${amountText(amount)}${metric.significance ? ' (significant)' : ''}`;
  if (champion === null || challenger === null) return { rule, passed: false, detail: `${champion === null ? 'the champion' : 'the challenger'} has no value` };
  const needed = threshold(amount, kind === 'min-improvement' ? 1 : -1, champion, ['metrics', metric.name, kind]);
  const pointImprovement = improvement(metric.direction, challenger - champion);
  if (metric.significance) {
    if (!stats) return { rule, passed: false, detail: 'significance needs per-row predictions of the same rows on both sides' };
    const least = worstImprovement(metric.direction, stats.ci);
    if (kind === 'min-improvement' && stats.pValue !== null && !(stats.pValue < alpha)) {
      return { rule, passed: false, detail: `p = ${stats.pValue} (${stats.test}) is not below alpha ${alpha}` };
    }
    // A claimed improvement must be shown: the interval has to lie above the minimum, not touch it.
    const shown = kind === 'min-improvement' ? least > needed : least >= needed;
    return { rule, passed: shown, detail: `the interval allows an improvement as small as ${least}, ${shown ? 'clearing' : 'not clearing'} ${needed}` };
  }
  return { rule, passed: pointImprovement >= needed, detail: `improvement ${pointImprovement} ${pointImprovement >= needed ? '>=' : '<'} ${needed} (point values; no significance asked)` };
}

function compareMetric(metric: MetricPolicy, alpha: number, challengerSide: Side, championSide: Side | null, stats: ChangeStatistics | undefined): MetricComparison {
  const challenger = challengerSide.metrics.get(metric.name) ?? null;
  const champion = championSide ? (championSide.metrics.get(metric.name) ?? null) : null;
  const delta = challenger !== null && champion !== null ? challenger - champion : null;
  const relDelta = delta !== null && champion !== null && Math.abs(champion) >= NEAR_ZERO ? delta / Math.abs(champion) : null;
  const rules = boundRules(metric, challenger);
  const changes: ['min-improvement' | 'max-regression', Amount][] = [];
  if (metric.minImprovement) changes.push(['min-improvement', metric.minImprovement]);
  if (metric.maxRegression) changes.push(['max-regression', metric.maxRegression]);
  for (const [kind, amount] of changes) {
    if (!championSide) rules.push({ rule: `${kind} ${amountText(amount)}`, passed: null, detail: 'skipped: no champion (first-model: allow)' });
    else rules.push(changeRule({ metric, alpha, champion, challenger, stats }, kind, amount));
  }
  const missing = !challengerSide.metrics.has(metric.name) || (championSide !== null && !championSide.metrics.has(metric.name));
  if (missing) rules.unshift({ rule: 'present', passed: false, detail: `missing on the ${!challengerSide.metrics.has(metric.name) ? 'challenger' : 'champion'}` });
  if (rules.length === 0) rules.push({ rule: 'any', passed: false, detail: 'the policy gives this metric no rule' });
  return {
    name: metric.name,
    direction: metric.direction,
    champion,
    challenger,
    delta,
    relDelta,
    ci: stats?.ci ?? null,
    pValue: stats?.pValue ?? null,
    test: stats?.test ?? null,
    rules,
    passed: rules.every((rule) => rule.passed !== false) && challenger !== null,
  };
}

/**
 * The promote-or-reject decision. Everything that is not positively shown fails closed: a missing
 * or undefined value, no rules, no champion (unless allowed), other rows (unless allowed), a
 * champion or challenger whose evaluate did not pass. Throws PolicyProblem for a policy that
 * cannot be applied (a relative rule on a near-zero champion).
 */
export function decide(policy: Policy, challenger: Side, champion: Side | null, statistics: ReadonlyMap<string, ChangeStatistics> = new Map()): Decision {
  const reasons: string[] = [];
  const notes: string[] = [];
  if (policy.metrics.length === 0) reasons.push('the policy has no rules: name metrics under compare.metrics');
  if (challenger.evaluateStatus !== undefined && challenger.evaluateStatus !== 'passed') reasons.push(`the challenger's evaluate evidence is ${challenger.evaluateStatus}, not passed`);
  if (!champion && policy.firstModel === 'reject') reasons.push('there is no champion and the policy says first-model: reject');
  if (!champion && policy.firstModel === 'allow') notes.push('no champion: judged on the value bounds alone; change rules skipped (first-model: allow)');
  let paired: boolean | null = null;
  if (champion) {
    paired = challenger.rowsDigest !== undefined && challenger.rowsDigest === champion.rowsDigest;
    if (!paired && policy.paired === 'required') {
      reasons.push(challenger.rowsDigest === undefined || champion.rowsDigest === undefined
        ? 'unpaired: both sides need evaluate evidence with an id column to show they scored the same rows (or set paired: allow-unpaired)'
        : 'unpaired: the two models were scored on different rows or labels (or set paired: allow-unpaired)');
    }
  }
  const metrics = policy.metrics.map((metric) => compareMetric(metric, policy.alpha, challenger, champion, paired ? statistics.get(metric.name) : undefined));
  for (const metric of metrics) {
    if (!metric.passed) reasons.push(`${metric.name}: ${metric.rules.filter((rule) => rule.passed === false).map((rule) => `${rule.rule} failed (${rule.detail})`).join('; ') || 'no value'}`);
  }
  if (champion && metrics.some((metric) => metric.ci === null && metric.delta !== null)) notes.push('changes judged on point values where no interval was computed');
  return { decision: reasons.length === 0 && metrics.length > 0 ? 'promote' : 'reject', paired, reasons, notes, metrics };
}
