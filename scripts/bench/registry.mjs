// Push and pull of a 1 GiB model to a local docker-registry (Distribution 2.8) through the real
// `modelci` CLI, side by side with plain curl moving the same bytes as one monolithic blob
// (the loopback limit). Targets (issue 6): modelci >= 70% of curl's throughput, RSS < 150 MiB.
// BENCH_REGISTRY_MIB=256 for a quicker run; BENCH_RUNS rounds (default 3), alternating peers.
// Same work on both sides: curl's push reads the model file, its pull writes a file (-o) in the
// same temp directory modelci pulls into; modelci's times also include its CLI start-up.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = process.env.BENCH_MODELCI_CLI ?? fileURLToPath(new URL('../../bin/modelci.js', import.meta.url));
if (!process.env.BENCH_MODELCI_CLI && !existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) {
  console.error('dist/ is missing: run npm run build first (npm run bench does).');
  process.exit(2);
}
const which = (name) => {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};
const registryBinary = which('docker-registry') ?? which('registry');
const curl = which('curl');
if (!registryBinary || !curl) {
  console.error('registry bench needs docker-registry and curl (apt-get install -y docker-registry curl)');
  process.exit(2);
}

const MIB = 1 << 20;
const size = Number(process.env.BENCH_REGISTRY_MIB ?? 1024) * MIB;
const rounds = Number(process.env.BENCH_RUNS ?? 3);
const work = await mkdtemp(join(tmpdir(), 'modelci-bench-registry-'));

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

// ---- the model: random bytes, so nothing compresses or dedups ----
const modelDir = join(work, 'model');
execFileSync('mkdir', ['-p', modelDir]);
const weights = join(modelDir, 'model.bin');
{
  const fd = openSync(weights, 'w');
  for (let written = 0; written < size; written += 16 * MIB) writeSync(fd, randomBytes(Math.min(16 * MIB, size - written)));
  closeSync(fd);
}
const hash = createHash('sha256');
for await (const chunk of createReadStream(weights, { highWaterMark: 4 * MIB })) hash.update(chunk);
const digest = `sha256:${hash.digest('hex')}`;

// ---- docker-registry on loopback ----
const port = await freePort();
const host = `127.0.0.1:${port}`;
await writeFile(join(work, 'config.yml'), `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(work, 'storage')}
  delete:
    enabled: true
http:
  addr: ${host}
`);
const registry = spawn(registryBinary, ['serve', join(work, 'config.yml')], { stdio: 'ignore', detached: true });
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://${host}/v2/`)).status === 200) break;
  } catch {
    // not yet
  }
  if (i > 300) throw new Error('docker-registry did not start');
  await new Promise((resolve) => setTimeout(resolve, 100));
}

// Reports the peak RSS of the modelci process itself on exit.
const rssProbe = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss-kib='+process.resourceUsage().maxRSS+'\\n'))`;

function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr}`));
      const rss = /maxrss-kib=(\d+)/.exec(stderr);
      resolve({ seconds, stdout, rssMiB: rss ? Number(rss[1]) / 1024 : undefined });
    });
  });
}

async function curlPush(round) {
  const started = process.hrtime.bigint();
  const post = await fetch(`http://${host}/v2/bench/curl${round}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(post.headers.get('location'), `http://${host}/`);
  location.searchParams.set('digest', digest);
  await run(curl, ['-sS', '-f', '-T', weights, '-H', 'Content-Type: application/octet-stream', location.toString()]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function curlPull(round) {
  const target = join(work, `curl-pull-${round}.bin`);
  const result = await run(curl, ['-sS', '-f', '-o', target, `http://${host}/v2/bench/curl${round}/blobs/${digest}`]);
  await rm(target, { force: true });
  return result.seconds;
}

async function modelciPush(round) {
  const result = await run(process.execPath, ['--import', rssProbe, cli, 'push-model', '--registry', `oci://${host}/bench`, '--name', `model${round}`, '--path', modelDir, '--format', 'json', '--out-dir', join(work, 'out')]);
  const document = JSON.parse(result.stdout);
  if (document.status !== 'passed' || document.created !== true) throw new Error(`push did not create a version: ${result.stdout}`);
  return result;
}

async function modelciPull(round) {
  const dest = join(work, `pulled-${round}`);
  const result = await run(process.execPath, ['--import', rssProbe, cli, 'registry', 'pull', '--registry', `oci://${host}/bench`, '--name', `model${round}`, '--version=1', '--dest', dest, '--format', 'json', '--out-dir', join(work, 'out')]);
  await rm(dest, { recursive: true, force: true });
  return result;
}

// Flush dirty pages between measurements so one transfer's writeback does not slow the next.
const settle = () => execFileSync('sync');

const samples = { curlPush: [], curlPull: [], modelciPush: [], modelciPull: [], pushRss: [], pullRss: [], startup: [] };
// The machine is often shared: the 1-minute load average before and after says how much to trust a run.
const loadBefore = loadavg()[0];
try {
  // The CLI's fixed cost (node start, config, one registry request), to show throughput apart from it.
  for (let i = 0; i < 5; i++) samples.startup.push((await run(process.execPath, [cli, 'registry', 'ls', '--registry', `oci://${host}/bench`, '--name', 'none', '--format', 'json', '--out-dir', join(work, 'out')])).seconds);
  // Alternate who goes first so page-cache and disk drift hit both alike.
  const order = (round) => (round % 2 ? ['curl', 'modelci'] : ['modelci', 'curl']);
  for (let round = 1; round <= rounds; round++) {
    for (const who of order(round)) {
      settle();
      if (who === 'curl') samples.curlPush.push(await curlPush(round));
      else {
        const push = await modelciPush(round);
        samples.modelciPush.push(push.seconds);
        samples.pushRss.push(push.rssMiB ?? NaN);
      }
    }
  }
  for (let round = 1; round <= rounds; round++) {
    for (const who of order(round)) {
      settle();
      if (who === 'curl') samples.curlPull.push(await curlPull(round));
      else {
        const pull = await modelciPull(round);
        samples.modelciPull.push(pull.seconds);
        samples.pullRss.push(pull.rssMiB ?? NaN);
      }
    }
  }
} finally {
  process.kill(-registry.pid, 'SIGTERM');
  await rm(work, { recursive: true, force: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mibps = (seconds) => size / MIB / seconds;
const startup = median(samples.startup);
const rows = [
  ['push', median(samples.curlPush), median(samples.modelciPush), Math.max(...samples.pushRss)],
  ['pull', median(samples.curlPull), median(samples.modelciPull), Math.max(...samples.pullRss)],
];
console.log(`registry: ${size / MIB} MiB model, docker-registry on loopback, median of ${rounds} alternating rounds, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
console.log('modelci times are the whole CLI command: start-up, hashing the files, upload or download with verification.');
console.log(`CLI start-up (modelci registry ls, median of 5): ${startup.toFixed(2)} s; the last column leaves it out.`);
console.log('| transfer | curl MiB/s | modelci MiB/s | modelci / curl | modelci peak RSS MiB | modelci / curl without start-up |');
console.log('|---|---:|---:|---:|---:|---:|');
let met = true;
for (const [name, curlSeconds, modelciSeconds, rss] of rows) {
  const ratio = curlSeconds / modelciSeconds;
  met &&= ratio >= 0.7 && rss < 150;
  console.log(`| ${name} | ${mibps(curlSeconds).toFixed(0)} | ${mibps(modelciSeconds).toFixed(0)} | ${(100 * ratio).toFixed(0)}% | ${rss.toFixed(0)} | ${(100 * curlSeconds / Math.max(modelciSeconds - startup, 1e-3)).toFixed(0)}% |`);
}
const list = (values) => values.map((value) => value.toFixed(2)).join(' ');
console.log(`seconds per round: push curl ${list(samples.curlPush)} | modelci ${list(samples.modelciPush)}; pull curl ${list(samples.curlPull)} | modelci ${list(samples.modelciPull)}`);
console.log(`targets: >= 70% of curl end to end, RSS < 150 MiB: ${met ? 'met' : 'NOT met'}`);
