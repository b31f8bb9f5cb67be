// `npm run demo`: runs the churn example's pipeline with the built CLI and prints what it found.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const project = join(root, 'examples', 'churn');
const evidenceDir = join(project, '.modelci', 'evidence');

console.log('modelci demo: the churn example (examples/churn/modelci.yaml)\n');
const run = spawnSync(process.execPath, [join(root, 'bin', 'modelci.js'), 'run', '--config', join(project, 'modelci.yaml')], { stdio: 'inherit' });

const format = (value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value);
console.log('\n── summary ──');
const records = (existsSync(evidenceDir) ? readdirSync(evidenceDir) : [])
  .map((file) => ({ file, evidence: JSON.parse(readFileSync(join(evidenceDir, file), 'utf8')) }))
  .sort((a, b) => a.evidence.startedAt.localeCompare(b.evidence.startedAt));
for (const { file, evidence } of records) {
  console.log(`${evidence.status === 'passed' ? '✔' : '✘'} ${evidence.step}: ${evidence.summary}`);
  const result = evidence.result ?? {};
  if (evidence.step === 'validate-data') {
    console.log(`  data: ${result.rowCount} rows, ${result.errorCount} errors, ${result.checks?.length ?? 0} checks`);
    if (result.drift) {
      const drifted = result.drift.columns.filter((column) => column.drifted).map((column) => `${column.name} (${column.method} ${format(column.statistic)})`);
      console.log(`  drift: ${Math.round(result.drift.share * 100)}% of columns drifted${drifted.length ? `: ${drifted.join(', ')}` : ''}; dataset drift: ${result.drift.datasetDrift ? 'yes' : 'no'}`);
    }
  }
  if (evidence.step === 'evaluate' && result.metrics) {
    const shown = ['roc_auc', 'average_precision', 'accuracy', 'f1', 'log_loss', 'brier_score'].filter((name) => result.metrics[name]);
    for (const name of shown) {
      const metric = result.metrics[name];
      console.log(`  ${name.padEnd(17)} ${format(metric.value)}${metric.ci ? `  [${format(metric.ci[0])}, ${format(metric.ci[1])}] (95% bootstrap, n=${metric.n})` : ''}`);
    }
  }
  if (evidence.step === 'compare') {
    console.log(`  ${result.decision} against ${result.champion ? `${result.champion.name} version ${result.champion.version}${result.paired ? ', paired on the same rows' : ''}` : 'no champion (first model)'}`);
    for (const metric of result.metrics ?? []) console.log(`  ${metric.name.padEnd(17)} ${format(metric.champion) ?? '—'} -> ${format(metric.challenger)}  ${metric.rules.map((rule) => `${rule.rule}: ${rule.passed === null ? 'skipped' : rule.passed ? 'pass' : 'FAIL'}`).join(', ')}`);
    for (const reason of result.reasons ?? []) console.log(`  reject: ${reason}`);
  }
  if (evidence.step === 'report') console.log(`  report: ${relative(process.cwd(), join(project, result.markdown))} and ${relative(process.cwd(), join(project, result.html))}`);
  if (evidence.step === 'gate') console.log(`  ${result.decision} ${result.name} version ${result.version} into ${result.stage}${result.record ? `; audit record ${result.record}` : ''}`);
  if (evidence.step === 'push-model') console.log(`  registry: ${result.uri} (${result.created ? 'new version' : 'same content as an existing version'}), digest ${String(result.digest).slice(0, 19)}…`);
  const metrics = result.metrics;
  if (evidence.step === 'train' && metrics) {
    const shown = Object.entries(metrics).filter(([, value]) => typeof value === 'number');
    console.log(`  metrics: ${shown.map(([name, value]) => `${name}=${format(value)}`).join(', ')}`);
    if (evidence.result.cacheHit !== undefined) console.log(`  run cache: ${evidence.result.cacheHit ? 'hit (command not run)' : 'miss (trained)'}`);
  }
  console.log(`  evidence: ${relative(process.cwd(), join(evidenceDir, file))}`);
}
console.log('\n── stage history (staging) ──');
spawnSync(process.execPath, [join(root, 'bin', 'modelci.js'), 'registry', 'history', '--config', join(project, 'modelci.yaml'), '--registry', 'file://.modelci/registry', '--name', 'churn', '--alias', 'staging'], { stdio: 'inherit', cwd: project });
process.exit(run.status ?? 1);
