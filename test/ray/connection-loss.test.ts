import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RayClient } from '../../shared/train/ray/client.js';
import type { RunInfo } from '../../shared/platform/types.js';
import type { StepOutcome } from '../../shared/runner/execute-step.js';
import { makeContext, runTrainStep, writeFiles } from '../train/helpers.js';
import { CiPlatform, projects, rayCluster } from './helpers.js';

const cluster = rayCluster();

/**
 * A loopback TCP relay in front of the real Ray head: `cut` drops every connection and stops
 * listening (the cluster vanishes as behind a failed load balancer), `restore` listens again on
 * the same port. The head itself keeps running the job.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const end of [socket, upstream]) {
        this.sockets.add(end);
        end.on('close', () => this.sockets.delete(end));
        end.on('error', () => end.destroy());
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const dataOf = (outcome: StepOutcome) => (outcome.result?.data ?? {}) as { ray?: { submissionId: string; status: string } };
const made = projects();

describe.runIf(cluster)('train on Ray: the cluster stops answering', () => {
  const c = cluster!;
  const relay = new Relay(Number(new URL(c.address).port));
  afterAll(() => relay.cut());

  it('exits 3 once its connection budget is spent while the job runs on, and a re-run attaches and takes the job\'s own end', async () => {
    const dir = await made.empty('modelci-ray-lost-');
    await writeFiles(dir, { 'slow.py': 'import time\nprint("working", flush=True)\ntime.sleep(45)\nopen("model.json", "w").write("{}")\n' });
    await relay.listen();
    const run: RunInfo = { id: '5151', attempt: '1', repository: 'acme/churn', job: 'train/lost' };
    const inputs = { command: 'python3 slow.py', outputs: ['model.json'], backend: 'ray', rayAddress: `http://127.0.0.1:${relay.port}`, rayToken: c.token, resultsUri: `s3://${c.bucket}/lost`, resultsEndpoint: c.s3Endpoint, cache: false };
    const env = { ...c.aws, MODELCI_RAY_CONNECTION_BUDGET_S: '3' };

    const platform = new CiPlatform(run);
    const first = runTrainStep(inputs, makeContext(dir, { platform, env }).ctx);
    for (let i = 0; i < 600 && !platform.messages('info').some((line) => /^\[ray [0-9a-f]{8}\] working/.test(line)); i++) await delay(200);
    expect(platform.messages('info').join('\n')).toMatch(/\] working/);
    await relay.cut();
    const lost = await first;
    expect(lost.exitCode, lost.error?.message).toBe(3);
    expect(lost.error).toMatchObject({ code: 'ray-connection-lost' });
    expect(lost.error?.message).toMatch(/Lost the Ray cluster while job modelci-train-[0-9a-f]{20} was running: no answer for \d+ s\./);
    const id = /job (modelci-train-[0-9a-f]{20})/.exec(lost.error!.message)![1]!;
    // Losing the connection is not the job's end: the cluster still runs it.
    expect((await new RayClient({ base: c.address, token: c.token }).job(id))?.status).toBe('RUNNING');

    await relay.listen();
    const again = new CiPlatform(run);
    const rerun = await runTrainStep(inputs, makeContext(dir, { platform: again, env }).ctx);
    expect(rerun.status, rerun.error?.message).toBe('passed');
    expect(again.messages('info').some((line) => line.includes(`attaching to Ray job ${id}`))).toBe(true);
    expect(dataOf(rerun).ray).toMatchObject({ submissionId: id, status: 'SUCCEEDED' });
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe('{}');
  });
});
