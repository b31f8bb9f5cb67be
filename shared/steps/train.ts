import { resolve } from 'node:path';
import { z } from 'zod';
import { environmentError, ModelciError, type SourceLocation } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { CacheCorruptError, discardEntry, readCacheEntry, restoreEntry, storeEntry } from '../train/cache.js';
import { explainMiss, gitTreeDiff } from '../train/miss-reasons.js';
import { trainKey, trainSetup, type TrainPaths } from '../train/key.js';
import { runCommand, type CommandResult } from '../train/command.js';
import { checkRayInputs, rayConnectionBudget, runOnRay, type RayRunInfo } from '../train/ray/backend.js';
import { isSecretName } from '../train/env.js';
import { Redactor } from '../text/redact.js';
import type { Scalar } from '../train/flatten.js';
import { readMetricsFile } from '../train/metrics.js';
import { digestPath, displayPath, publicDigest, type DigestedPath } from '../files/paths.js';
import { runtimeInfo } from '../train/runtime.js';
import { summaryLine } from '../train/summary.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { trainSection } from '../report/sections/train.js';
import type { TrainData } from '../train/types.js';
import { trainResult } from '../train/result-schema.js';
import { defineStep, type StepResult } from '../runner/types.js';

export type { TrainData } from '../train/types.js';

const inputs = z.object({
  command: z.string().min(1).describe('The training command, run through the shell in the working directory (`--cwd`; the config file\'s folder), e.g. `python3 train.py`.'),
  shell: z
    .enum(['bash', 'sh'])
    .default('bash')
    .describe('Shell that runs the command: `bash` runs `bash --noprofile --norc -eo pipefail -c`, `sh` runs `sh -e -c` (as GitHub Actions does).'),
  env: z.array(z.string()).default([]).describe('Extra environment variables for the command, KEY=VALUE. Values of names like *TOKEN*, *SECRET*, *PASSWORD*, *KEY* are masked in logs and never recorded.'),
  timeout: z.number().positive().optional().describe('Seconds before the command is stopped (SIGTERM, then SIGKILL to its whole process group) and the step fails; no limit by default.'),
  params: z.string().optional().describe('Params file (YAML or JSON) the command reads; recorded flattened with dots and part of the run-cache key.'),
  param: z
    .array(z.string())
    .default([])
    .describe('Params as key=value (values parsed as YAML scalars, nested keys with dots), applied over the params file; the merged params reach the command as JSON in MODELCI_PARAMS.'),
  metricsFiles: z.array(z.string()).default([]).describe('Metrics files the command writes: JSON, YAML, CSV or TSV (header + one row, or `name,value` rows); nested keys are flattened with dots.'),
  outputs: z.array(z.string()).default([]).describe('Files or directories the command produces (list the model first); digested, cached and uploaded.'),
  deps: z.array(z.string()).default([]).describe('Data files or directories the command reads; their digests are recorded and key the run cache.'),
  code: z.array(z.string()).default([]).describe('Code the command runs: paths or globs relative to the working directory (a directory means every file under it). When given, only these files key the code part of the run cache, git or not; default: the whole git tree of the working directory.'),
  cache: z.boolean().default(true).describe('Reuse the outputs of an earlier successful run with the same command, params, code and data instead of running the command again.'),
  cacheDir: z.string().optional().describe('Run-cache directory (default `<out-dir>/cache/train`); restore it between CI runs with actions/cache or GitLab `cache:`.'),
  upload: z.boolean().optional().describe('Upload the outputs, metrics and run record as a CI artifact (default: true on GitHub, false elsewhere).'),
  artifactName: z.string().min(1).default('modelci-train').describe('Name of the uploaded artifact; make it unique per job in a matrix.'),
  backend: z.enum(['local', 'ray']).default('local').describe('Where the command runs: `local` (this runner) or `ray` (a job on a Ray cluster through its Job Submission API; see docs/train.md).'),
  rayAddress: z.string().optional().describe('backend ray: the Ray dashboard address, e.g. `https://ray.example.com:8265`.'),
  rayToken: z.string().optional().describe("backend ray: the cluster's token (Ray token auth, RAY_AUTH_TOKEN), sent as `Authorization: Bearer`.").meta({ secret: true }),
  rayAllowInsecure: z.boolean().default(false).describe('backend ray: allow a plain-HTTP or tokenless ray-address on another machine (refused by default).'),
  resultsUri: z.string().optional().describe('backend ray: where the job uploads its outputs and metrics files: `s3://bucket/prefix` (under `<prefix>/<submission id>/`, read with the AWS_* variables), or the model registry `mlflow+https://host` (its proxied artifact store, under `modelci/ray-results/<submission id>/`, read with MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD).'),
  resultsEndpoint: z.string().optional().describe('backend ray: URL of an S3-compatible server (MinIO, Ceph) for results-uri; default AWS S3.'),
  workingDir: z.string().optional().describe('backend ray: the folder shipped to the cluster (default the working directory; .git, .gitignore\'d paths and `excludes` left out), or a remote `s3://` / `https://…zip` working_dir used as is.'),
  excludes: z.array(z.string()).default([]).describe('backend ray: gitignore-style patterns left out of the shipped working directory.'),
  pip: z.array(z.string()).default([]).describe('backend ray: pip requirements installed for the job (runtime_env pip), e.g. `scikit-learn==1.7.2`.'),
  numCpus: z.number().positive().optional().describe('backend ray: CPUs reserved for the job\'s entrypoint (entrypoint_num_cpus).'),
  numGpus: z.number().positive().optional().describe('backend ray: GPUs reserved for the job\'s entrypoint (entrypoint_num_gpus).'),
  memory: z.number().int().positive().optional().describe('backend ray: bytes of memory reserved for the job\'s entrypoint (entrypoint_memory).'),
});

export type TrainInputs = z.infer<typeof inputs>;

const outputs = {
  'cache-hit': "'true' when the outputs were restored from the run cache and the command did not run.",
  'cache-key': 'sha256 run-cache key of command, shell, env, params, code and data digests.',
  'exit-code': "The command's exit code ('' when it was killed).",
  'duration-ms': 'Milliseconds the step spent running the command (or restoring it from cache).',
  metrics: 'The flattened metrics as a JSON object.',
  'model-path': 'The first entry of `outputs`.',
  'model-sha256': 'sha256 of the first entry of `outputs` (a directory digest for directories).',
  outputs: 'JSON array of {path, kind, sha256, bytes} for every output.',
  'code-sha': 'The git commit the code was at, or empty outside git.',
  'artifact-id': 'ID of the uploaded artifact (outputs, metrics, run record and evidence), when one was uploaded; set by the runner after the evidence.',
  record: 'Path of the run record JSON (`<out-dir>/train/record.json`).',
};

/** A run that did not produce what it promised is the step saying no (exit 1), with an annotation. */
class RunFailure extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

async function collectResults(paths: TrainPaths): Promise<{ outputs: DigestedPath[]; metricsFiles: DigestedPath[]; metrics: Record<string, Scalar> }> {
  const outputs = await Promise.all(
    paths.outputs.map(async ({ absolute, display }) => {
      const digest = await digestPath(absolute, display);
      if (!digest) throw new RunFailure(`The command succeeded but did not produce output '${display}'.`, { file: display });
      return digest;
    }),
  );
  const metrics: Record<string, Scalar> = {};
  const metricsFiles: DigestedPath[] = [];
  for (const { absolute, display } of paths.metrics) {
    try {
      Object.assign(metrics, await readMetricsFile(absolute, display));
    } catch (error) {
      if (error instanceof ModelciError) throw new RunFailure(error.hint ? `${error.message} ${error.hint}` : error.message, error.location);
      throw error;
    }
    const digest = await digestPath(absolute, display);
    if (digest) metricsFiles.push(digest);
  }
  return { outputs, metricsFiles, metrics };
}

function ciOutputs(data: TrainData, recordPath: string, cwd: string): Record<string, string> {
  const model = data.outputs[0];
  return {
    'cache-hit': String(data.cacheHit),
    'cache-key': data.cacheKey,
    'exit-code': data.exitCode === null ? '' : String(data.exitCode),
    'duration-ms': String(data.durationMs),
    metrics: JSON.stringify(data.metrics),
    'model-path': model?.path ?? '',
    'model-sha256': model?.sha256 ?? '',
    outputs: JSON.stringify(data.outputs),
    'code-sha': data.code.gitSha ?? '',
    record: displayPath(cwd, recordPath),
  };
}

const KEY_ORDER: (keyof TrainData)[] = ['command', 'shell', 'exitCode', 'signal', 'timedOut', 'durationMs', 'cacheHit', 'cacheKey', 'cachedRun', 'error', 'metrics', 'params', 'outputs', 'metricsFiles', 'data', 'code', 'runtime', 'env', 'ray', 'artifact'];

/** The JSON reads top-down: what ran and how it went, then what it produced, then the lineage. */
function ordered(data: TrainData): TrainData {
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (data[key] !== undefined) out[key] = data[key];
  for (const [key, value] of Object.entries(data)) if (!(key in out) && value !== undefined) out[key] = value;
  return out as unknown as TrainData;
}

export const trainStep = defineStep({
  name: 'train',
  description: 'Run the training command; record params, metrics, outputs, code, data and runtime digests; skip it when nothing changed (run cache).',
  inputs,
  result: trainResult,
  outputs,
  async preview(input, ctx): Promise<string[]> {
    if (!input.cache) return ['run cache off (cache: false): the command would run'];
    try {
      const setup = await trainSetup(input, ctx);
      const { paths } = setup;
      const { key, material } = await trainKey(input, setup, ctx.outDir);
      const record = await readCacheEntry(paths.cacheDir, key);
      if (record) return [`run cache would hit ${key.slice(0, 12)} (the run of ${record.createdAt}): the command would not run`];
      return [`run cache would miss ${key.slice(0, 12)} (${await explainMiss(paths.cacheDir, material, gitTreeDiff(paths.workdir, ctx.env))}): the command would run`];
    } catch (error) {
      // Data an earlier step writes may not exist yet; the plan says so instead of failing.
      if (error instanceof ModelciError) return [`run cache cannot be predicted: ${error.message}`];
      throw error;
    }
  },
  async run(input, ctx): Promise<StepResult<TrainData>> {
    // Before anything reaches the network: a Ray address is judged from its text alone.
    if (input.backend === 'ray') checkRayInputs(input, ctx.env);
    const setup = await trainSetup(input, ctx);
    const { paths, envEntries, params, childEnv } = setup;
    const secrets = envEntries.filter(([name]) => isSecretName(name)).map(([, value]) => value);
    for (const secret of secrets) if (secret.length >= 4) ctx.platform.mask(secret);
    const redactor = new Redactor();
    for (const secret of secrets) redactor.add(secret);
    const redact = (text: string) => redactor.redact(text);

    const [{ key, material, deps, code, codeFiles }, runtime] = await Promise.all([trainKey(input, setup, ctx.outDir), runtimeInfo({ workdir: paths.workdir }, childEnv)]);
    if (!code.git && input.code.length === 0) ctx.platform.warning(`'${paths.workdir}' is not in a git repository: code changes cannot be detected, so name your code files with the code input for the run cache to notice them.`);

    const base = {
      command: input.command,
      shell: input.shell,
      cacheKey: key,
      params,
      data: deps.map(publicDigest),
      code: codeFiles ? { ...code, files: codeFiles } : code,
      runtime,
      env: envEntries.map(([name]) => name),
    };
    const inputFiles = [...(paths.paramsFile ? [paths.paramsFile.path] : []), ...paths.deps.map((d) => d.absolute)];
    const outputFiles = [...paths.outputs, ...paths.metrics].map((p) => p.absolute);
    const shouldUpload = input.upload ?? ctx.platform.name === 'github';

    const finish = async (status: 'passed' | 'failed', unordered: TrainData): Promise<StepResult<TrainData>> => {
      const data = ordered(unordered);
      await writeFileAtomic(paths.recordPath, `${JSON.stringify({ status, ...data }, null, 2)}\n`);
      let artifact: StepResult<TrainData>['artifact'];
      if (status === 'passed' && shouldUpload) {
        const files = [...new Set([...outputFiles, ...(paths.paramsFile ? [paths.paramsFile.path] : []), paths.recordPath])];
        const expanded = (await Promise.all(files.map(async (f) => ((await digestPath(f, f))?.files ?? []).map((t) => t.absolute)))).flat();
        // The runner uploads these with the evidence once it is written (see StepResult.artifact).
        artifact = { name: input.artifactName, files: expanded };
        data.artifact = { name: input.artifactName, files: expanded.length };
        await writeFileAtomic(paths.recordPath, `${JSON.stringify({ status, ...data }, null, 2)}\n`);
      }
      return {
        status,
        summary: summaryLine(status, data),
        data,
        outputs: ciOutputs(data, paths.recordPath, ctx.cwd),
        markdown: renderMarkdown(trainSection(status, data)),
        files: { inputs: inputFiles, outputs: status === 'passed' ? [...outputFiles, paths.recordPath] : [paths.recordPath] },
        ...(artifact ? { artifact } : {}),
      };
    };

    if (input.cache) {
      const started = performance.now();
      const record = await readCacheEntry(paths.cacheDir, key);
      if (record) {
        try {
          await restoreEntry(paths.cacheDir, record, [...new Set([...paths.outputs, ...paths.metrics].map((p) => p.display))], (p) => resolve(paths.workdir, p));
          ctx.platform.info(`train: cache hit ${key.slice(0, 12)}; restored ${record.outputs.length + record.metricsFiles.length} path(s) from the run of ${record.createdAt}, command not run.`);
          return finish('passed', {
            ...base,
            exitCode: 0,
            signal: null,
            timedOut: false,
            durationMs: Math.round(performance.now() - started),
            cacheHit: true,
            cachedRun: { createdAt: record.createdAt, durationMs: record.durationMs },
            metrics: record.metrics as Record<string, Scalar>,
            outputs: record.outputs.map(({ files: _files, ...digest }) => digest),
            metricsFiles: record.metricsFiles.map(({ files: _files, ...digest }) => digest),
          });
        } catch (error) {
          if (!(error instanceof CacheCorruptError)) throw error;
          ctx.platform.warning(`train: run cache entry ${key.slice(0, 12)} is damaged (${error.message}); running the command instead.`);
          await discardEntry(paths.cacheDir, key);
        }
      } else {
        ctx.platform.info(`train: cache miss ${key.slice(0, 12)} (${await explainMiss(paths.cacheDir, material, gitTreeDiff(paths.workdir, ctx.env))}); running the command.`);
      }
    }

    const title = `train: ${redact(input.command.split('\n')[0] ?? input.command)}`;
    let run: CommandResult;
    let ray: RayRunInfo | undefined;
    if (input.backend === 'ray') {
      const commandEnv: Record<string, string> = Object.fromEntries(envEntries);
      if (childEnv.MODELCI_PARAMS !== undefined) commandEnv.MODELCI_PARAMS = childEnv.MODELCI_PARAMS;
      const onRay = await ctx.platform.group(`${title} (on Ray)`, () =>
        runOnRay(input, {
          workdir: paths.workdir,
          outDir: ctx.outDir,
          env: ctx.env,
          commandEnv,
          collect: [...new Set([...paths.outputs, ...paths.metrics].map((p) => p.display))],
          cacheKey: key,
          ...rayConnectionBudget(ctx.env),
          run: ctx.platform.run(),
          signal: ctx.signal,
          info: (line) => ctx.platform.info(redact(line)),
          warning: (line) => ctx.platform.warning(redact(line)),
          mask: (secret) => {
            ctx.platform.mask(secret);
            redactor.add(secret);
          },
        }),
      );
      run = onRay;
      ray = onRay.ray;
    } else try {
      run = await ctx.platform.group(title, () =>
        runCommand({
          command: input.command,
          shell: input.shell,
          cwd: paths.workdir,
          env: childEnv,
          ...(input.timeout !== undefined ? { timeoutSeconds: input.timeout } : {}),
          signal: ctx.signal,
          onLine: (line) => ctx.platform.info(redact(line)),
        }),
      );
    } catch (error) {
      throw environmentError(`Could not start '${input.shell}' to run the command: ${error instanceof Error ? error.message : String(error)}`, {
        code: 'train-shell-missing',
        hint: input.shell === 'bash' ? 'Install bash, or set shell: sh.' : 'Check that sh is on PATH.',
        cause: error,
      });
    }

    const ran = { ...base, exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs, cacheHit: false, ...(ray ? { ray } : {}) };
    const fail = (message: string, location?: SourceLocation, withTail = true) => {
      const tail = withTail && run.tail.length > 0 ? `\nLast output:\n${run.tail.slice(-10).map(redact).join('\n')}` : '';
      ctx.platform.error(`${message}${tail}`, location);
      return finish('failed', { ...ran, metrics: {}, outputs: [], metricsFiles: [], error: message });
    };
    if (run.timedOut) return fail(ray ? `The Ray job ${ray.submissionId} timed out after ${input.timeout} s and was stopped on the cluster.` : `The training command timed out after ${input.timeout} s and was stopped.`);
    if (run.aborted) return fail(ray ? `The training was cancelled; Ray job ${ray.submissionId} was stopped on the cluster.` : 'The training command was cancelled.', undefined, false);
    if (run.exitCode !== 0) {
      const how = run.exitCode === null ? `was killed by ${run.signal ?? 'a signal'}` : `failed with exit code ${run.exitCode}`;
      return fail(ray ? `The Ray job ${ray.submissionId} ended ${ray.status}${run.exitCode === null ? '' : ` (exit code ${run.exitCode})`}.` : `The training command ${how}.`);
    }

    let results: Awaited<ReturnType<typeof collectResults>>;
    try {
      results = await collectResults(paths);
    } catch (error) {
      if (error instanceof RunFailure) return fail(error.message, error.location, false);
      throw error;
    }

    if (input.cache) {
      try {
        await storeEntry(paths.cacheDir, { key, createdAt: new Date().toISOString(), durationMs: run.durationMs, metrics: results.metrics, material: material as unknown as Record<string, unknown> }, results.outputs, results.metricsFiles);
      } catch (error) {
        ctx.platform.warning(`train: could not store the run in the cache at '${displayPath(ctx.cwd, paths.cacheDir)}': ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    return finish('passed', {
      ...ran,
      metrics: results.metrics,
      outputs: results.outputs.map(publicDigest),
      metricsFiles: results.metricsFiles.map(publicDigest),
    });
  },
});
