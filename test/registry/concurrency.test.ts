import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../shared/registry/index.js';
import type { Registry } from '../../shared/registry/types.js';
import { startWorker, workerCommand, type Worker } from './child.js';
import { makeModel, tempDir } from './fixtures.js';

const CONTENDERS = 20;

/** Separate processes racing on one file registry: the alias move is a real compare-and-swap. */
describe('file registry: concurrent alias moves', () => {
  let work: string;
  let uri: string;
  let registry: Registry;

  beforeAll(async () => {
    work = await tempDir();
    uri = `file://${join(work, 'registry')}`;
    registry = openRegistry(uri, { cwd: work, env: {} });
    for (let version = 1; version <= CONTENDERS + 1; version++) {
      await registry.push({ name: 'race', path: await makeModel(join(work, `m${version}`), `race-${version}`, 64) });
    }
  });

  async function release(workers: Worker[], go: string): Promise<void> {
    await Promise.all(workers.map((worker) => worker.ready));
    await writeFile(go, 'go');
  }

  it(`lets exactly one of ${CONTENDERS} CLI processes with the same --expect move the alias`, async () => {
    await registry.setAlias({ name: 'race', alias: 'champion', version: '1', expect: null, by: 'setup' });
    const go = join(work, 'go-cli');
    const cli = await workerCommand('cli-worker.ts');
    const workers = Array.from({ length: CONTENDERS }, (_, index) =>
      startWorker(cli, ['registry', 'alias', '--registry', uri, '--name', 'race', '--alias', 'champion', `--version=${index + 2}`, '--expect', '1', '--by', `ci-${index}`, '--format', 'json', '--out-dir', join(work, `out-${index}`)], { MODELCI_TEST_GO_FILE: go }),
    );
    // cli-worker prints `ready` on stderr (stdout is the JSON document).
    await releaseOnStderr(workers, go);
    const results = await Promise.all(workers.map((worker) => worker.done));
    const winners = results.filter((result) => result.code === 0);
    const losers = results.filter((result) => result.code === 1);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(CONTENDERS - 1);

    const winner = JSON.parse(winners[0]?.stdout ?? '') as { status: string; moved: boolean; previous: string; version: string; seq: number };
    expect(winner).toMatchObject({ status: 'passed', moved: true, previous: '1', seq: 2 });
    for (const loser of losers) {
      const document = JSON.parse(loser.stdout) as { status: string; moved: boolean; version: string; expected: string };
      expect(document).toMatchObject({ status: 'failed', moved: false, expected: '1', version: winner.version });
    }
    expect(await registry.getAlias('race', 'champion')).toBe(winner.version);
    const history = await registry.history('race', 'champion');
    expect(history.map(({ seq, from, to }) => ({ seq, from, to }))).toEqual([
      { seq: 1, from: undefined, to: '1' },
      { seq: 2, from: '1', to: winner.version },
    ]);
  });

  it('keeps a gap-free history with no lost or duplicate moves when processes keep racing', async () => {
    const before = (await registry.history('race', 'champion')).length;
    const go = join(work, 'go-chain');
    const rounds = 5;
    const contender = await workerCommand('alias-worker.ts');
    const workers = Array.from({ length: CONTENDERS }, (_, index) => startWorker(contender, [uri, 'race', 'champion', String(index + 2), String(rounds), go]));
    await release(workers, go);
    const results = await Promise.all(workers.map((worker) => worker.done));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const reports = results.map((result) => JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as { won: { seq: number; from?: string; to: string }[]; lost: number });

    const won = reports.flatMap((report) => report.won);
    expect(won.length + reports.reduce((sum, report) => sum + report.lost, 0)).toBe(CONTENDERS * rounds);
    expect(won.length).toBeGreaterThan(0);

    const history = await registry.history('race', 'champion');
    // Every reported win is in the history exactly once, and nothing else was added.
    expect(history.length).toBe(before + won.length);
    expect(new Set(won.map((event) => event.seq)).size).toBe(won.length);
    expect(history.map((event) => event.seq)).toEqual(Array.from({ length: history.length }, (_, index) => index + 1));
    // Each move started from where the previous one left the alias: one winner per expected value.
    for (let index = 1; index < history.length; index++) expect(history[index]?.from).toBe(history[index - 1]?.to);
    const bySeq = new Map(history.map((event) => [event.seq, event]));
    for (const event of won) expect(bySeq.get(event.seq)).toMatchObject({ from: event.from, to: event.to });
  });
});

/** Waits until every CLI worker printed `ready` on stderr, then creates the go file. */
async function releaseOnStderr(workers: Worker[], go: string): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const check = (chunk: Buffer): void => {
            if (chunk.toString('utf8').includes('ready')) resolve();
          };
          worker.child.stderr?.on('data', check);
          worker.child.on('close', () => resolve());
        }),
    ),
  );
  await writeFile(go, 'go');
}
