// The MLflow backend of the Registry interface: every method of it over MLflow's REST API, sharing
// one client, its error mapping and the tag layout; split further, each part would need all three.
import { sleep } from '../http/sleep.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { environmentError, usageError } from '../errors.js';
import { readEvidence } from './evidence-files.js';
import { metadataRecord, splitMetrics, whoAmI } from './metadata.js';
import { digestMismatch, copyHashed, scanModel, type ScannedFile } from './model-files.js';
import { checkAlias, checkModelName, checkRecordName, normalizeVersion } from './names.js';
import { notFound, versionNotFound } from './errors.js';
import { pullFiles, type FetchFile } from './pull-files.js';
import { send, type HttpRequest, type HttpResponse } from './http.js';
import { mlflowArtifactUrl, mlflowAuthorization } from './mlflow-http.js';
import type {
  AliasEvent,
  AliasOutcome,
  AliasRequest,
  EvidenceEntry,
  ModelFile,
  PullResult,
  PushRequest,
  PushResult,
  RecordRequest,
  Registry,
  RegistryOptions,
  VersionRecord,
  VersionDetails,
  VersionSummary,
} from './types.js';

interface Tag {
  key: string;
  value: string;
}

interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: Tag[];
  aliases?: string[];
}

/** What modelci stores beside the model files in the run's artifacts. */
interface MlflowManifest {
  schemaVersion: 1;
  name: string;
  digest: string;
  files: ModelFile[];
  evidence: EvidenceEntry[];
  metadata: Record<string, string>;
}

const Tags = {
  digest: 'modelci.digest',
  manifest: 'modelci.manifest',
  manifestDigest: 'modelci.manifest_digest',
  gitSha: 'modelci.git_sha',
  runUrl: 'modelci.run_url',
  metrics: 'modelci.metrics',
  aliasPrefix: 'modelci.alias_history.',
  recordPrefix: 'modelci.record.',
} as const;

const MAX_TAG = 5000;

function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.key === key)?.value;
}

/**
 * MLflow Model Registry over REST 2.0. Files go up through the tracking server's proxied
 * artifact API (`mlflow server --serve-artifacts`) into a run; the version is created from the
 * run's artifact URI with every digest as a version tag, in one call, so a version never exists
 * without them. Alias history lives in registered-model tags, one per move.
 */
export class MlflowRegistry implements Registry {
  readonly kind = 'mlflow' as const;
  readonly displayUri: string;
  private readonly base: string;
  private readonly authorization: string | undefined;

  constructor(baseUrl: string, private readonly options: RegistryOptions) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.displayUri = `mlflow+${this.base}`;
    this.authorization = mlflowAuthorization(options.env ?? {}, options);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: Record<string, unknown> | undefined, what: string, allow: string[] = []): Promise<T | undefined> {
    let url = `${this.base}/api/2.0/mlflow/${path}`;
    const request: HttpRequest = { method, url, what, headers: { ...(this.authorization ? { authorization: this.authorization } : {}) } };
    if (method === 'GET' && body) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(body)) if (value !== undefined) query.set(key, String(value));
      url += `?${query.toString()}`;
      request.url = url;
    } else if (body) {
      request.body = JSON.stringify(body);
      request.headers = { ...request.headers, 'content-type': 'application/json' };
    }
    const response = await send(request, { signal: this.options.signal });
    if (response.status === 200) return response.json<T>();
    const text = await response.text();
    let code = '';
    try {
      code = (JSON.parse(text) as { error_code?: string }).error_code ?? '';
    } catch {
      // not JSON
    }
    if (allow.includes(code)) return undefined;
    throw this.failure(response.status, code, text, what);
  }

  private failure(status: number, code: string, text: string, what: string): Error {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // keep the raw excerpt
    }
    const auth = status === 401 || status === 403;
    return environmentError(`Could not ${what} at ${this.displayUri}: HTTP ${status}${code ? ` ${code}` : ''}: ${message}`, {
      code: auth ? 'registry-auth' : 'registry-error',
      hint: auth ? 'Pass --token (or --username/--password), or set MLFLOW_TRACKING_TOKEN / MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.' : 'See the MLflow server error above.',
    });
  }

  private artifactUrl(path: string): string {
    return mlflowArtifactUrl(this.base, path);
  }

  /** `mlflow-artifacts:/1/<run>/artifacts` or `mlflow-artifacts://host/1/...` -> `1/<run>/artifacts`. */
  private artifactRoot(artifactUri: string): string {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    if (!match) {
      throw environmentError(`The MLflow server stores artifacts at '${artifactUri}', which modelci cannot reach through the server.`, {
        code: 'registry-mlflow-artifacts',
        hint: 'Start the tracking server with --serve-artifacts (the default in MLflow 2+) so uploads go through its mlflow-artifacts API.',
      });
    }
    return (match[1] ?? '').replace(/\/+$/, '');
  }

  private async upload(path: string, file: ScannedFile, onBytes: (bytes: number) => void): Promise<void> {
    const what = `upload ${file.path}`;
    let hash = createHash('sha256');
    const response = await send({
      method: 'PUT',
      url: this.artifactUrl(path),
      headers: { 'content-type': 'application/octet-stream', ...(this.authorization ? { authorization: this.authorization } : {}) },
      body: () => {
        hash = createHash('sha256');
        let sent = 0;
        return createReadStream(file.absolute, { highWaterMark: 1 << 20 }).pipe(new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            sent += chunk.length;
            onBytes(sent);
            callback(null, chunk);
          },
        }));
      },
      length: file.size,
      what,
    }, { signal: this.options.signal, attempts: 3 });
    if (response.status !== 200) throw this.failure(response.status, '', await response.text(), what);
    await response.drain();
    if (`sha256:${hash.digest('hex')}` !== file.digest) throw usageError(`File '${file.path}' changed while it was being pushed.`, { code: 'registry-file-changed', hint: 'Push after the step that writes the model has finished.' });
  }

  private async uploadBuffer(path: string, data: Buffer, what: string): Promise<void> {
    const response = await send({ method: 'PUT', url: this.artifactUrl(path), headers: { 'content-type': 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) }, body: data, what }, { signal: this.options.signal });
    if (response.status !== 200) throw this.failure(response.status, '', await response.text(), what);
    await response.drain();
  }

  private async download(path: string, what: string): Promise<HttpResponse> {
    const response = await send({ method: 'GET', url: this.artifactUrl(path), headers: { ...(this.authorization ? { authorization: this.authorization } : {}) }, what }, { signal: this.options.signal });
    if (response.status !== 200) throw this.failure(response.status, '', await response.text(), what);
    return response;
  }

  private async versions(name: string): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', { filter: `name='${name}'`, max_results: 200, page_token: pageToken }, `list versions of ${name}`);
      out.push(...(page?.model_versions ?? []));
      pageToken = page?.next_page_token || undefined;
    } while (pageToken);
    return out.sort((a, b) => Number(a.version) - Number(b.version));
  }

  private async experimentId(): Promise<string> {
    const name = 'modelci';
    const found = await this.call<{ experiment?: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name }, 'find the modelci experiment', ['RESOURCE_DOES_NOT_EXIST']);
    if (found?.experiment) return found.experiment.experiment_id;
    const created = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name }, 'create the modelci experiment', ['RESOURCE_ALREADY_EXISTS']);
    if (created) return created.experiment_id;
    const again = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name }, 'find the modelci experiment');
    return (again as { experiment: { experiment_id: string } }).experiment.experiment_id;
  }

  private async waitReady(name: string, version: string): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 300_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      const got = await this.call<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name, version }, `read ${name} version ${version}`);
      const status = got?.model_version.status;
      if (status === 'READY') return;
      if (status === 'FAILED_REGISTRATION') {
        throw environmentError(`MLflow failed to register ${name} version ${version}: ${got?.model_version.status_message ?? 'no message'}.`, { code: 'registry-registration-failed' });
      }
      if (Date.now() > deadline) {
        throw environmentError(`MLflow did not finish registering ${name} version ${version} in time (status ${status}).`, { code: 'registry-timeout', hint: 'The server may be overloaded; raise the wait or check its logs.' });
      }
      // A cancelled job stops waiting now, not after the pause.
      await sleep(delay, this.options.signal);
    }
  }

  async push(request: PushRequest): Promise<PushResult> {
    checkModelName(request.name);
    const model = await scanModel(request.path);
    await this.call('POST', 'registered-models/create', { name: request.name }, `create registered model ${request.name}`, ['RESOURCE_ALREADY_EXISTS']);
    const existing = (await this.versions(request.name)).find((version) => tagValue(version.tags, Tags.digest) === model.digest && version.status === 'READY');
    if (existing) return { name: request.name, version: existing.version, digest: model.digest, uri: this.versionUri(request.name, existing.version), created: false };

    const evidence = await readEvidence(request.evidence);
    const metadata = metadataRecord(request.metadata);
    const experiment = await this.experimentId();
    const run = await this.call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', {
      experiment_id: experiment,
      start_time: Date.now(),
      run_name: `modelci-push-${request.name}`,
      tags: [{ key: 'mlflow.source.name', value: 'modelci push-model' }, { key: 'mlflow.user', value: whoAmI(this.options.env ?? process.env) }],
    }, 'create a run');
    const info = (run as { run: { info: { run_id: string; artifact_uri: string } } }).run.info;
    const root = this.artifactRoot(info.artifact_uri);

    const all = [...model.files.map((file) => ({ file, path: `${root}/model/${file.path}` })), ...evidence.files.map((file) => ({ file, path: `${root}/evidence/${file.path}` }))];
    const total = all.reduce((sum, entry) => sum + entry.file.size, 0);
    let done = 0;
    for (const entry of all) {
      await this.upload(entry.path, entry.file, (bytes) => this.options.progress?.('push', done + bytes, total));
      done += entry.file.size;
    }
    this.options.progress?.('push', total, total);
    const manifest: MlflowManifest = {
      schemaVersion: 1,
      name: request.name,
      digest: model.digest,
      files: model.files.map(({ path, digest, size }) => ({ path, digest, size })),
      evidence: evidence.files.map(({ absolute: _absolute, ...entry }) => entry),
      metadata,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    const manifestPath = `${root}/modelci/manifest.json`;
    await this.uploadBuffer(manifestPath, manifestBytes, 'upload the modelci manifest');
    await this.call('POST', 'runs/update', { run_id: info.run_id, status: 'FINISHED', end_time: Date.now() }, 'finish the run');

    const tags: Tag[] = [
      { key: Tags.digest, value: model.digest },
      { key: Tags.manifest, value: manifestPath },
      { key: Tags.manifestDigest, value: `sha256:${createHash('sha256').update(manifestBytes).digest('hex')}` },
    ];
    if (metadata.gitSha) tags.push({ key: Tags.gitSha, value: metadata.gitSha });
    if (metadata.runUrl) tags.push({ key: Tags.runUrl, value: metadata.runUrl.slice(0, MAX_TAG) });
    if (metadata.metrics) tags.push({ key: Tags.metrics, value: metadata.metrics.slice(0, MAX_TAG) });
    // One call with every tag: a version is never visible without its digests.
    const created = await this.call<{ model_version: ModelVersion }>('POST', 'model-versions/create', {
      name: request.name,
      source: `${info.artifact_uri.replace(/\/+$/, '')}/model`,
      run_id: info.run_id,
      tags,
      description: `Pushed by modelci; content ${model.digest}`,
    }, `create a version of ${request.name}`);
    const version = (created as { model_version: ModelVersion }).model_version.version;
    await this.waitReady(request.name, version);
    return { name: request.name, version, digest: model.digest, uri: this.versionUri(request.name, version), created: true };
  }

  private versionUri(name: string, version: string): string {
    return `${this.displayUri}#models:/${name}/${version}`;
  }

  async list(name: string): Promise<VersionSummary[]> {
    checkModelName(name);
    const versions = await this.versions(name);
    // Search results carry no aliases; the registered model has them all.
    const model = await this.call<{ registered_model: { aliases?: { alias: string; version: string }[] } }>('GET', 'registered-models/get', { name }, `read registered model ${name}`, ['RESOURCE_DOES_NOT_EXIST']);
    const aliases = new Map<string, string[]>();
    for (const { alias, version } of model?.registered_model.aliases ?? []) aliases.set(version, [...(aliases.get(version) ?? []), alias].sort());
    return versions
      .filter((version) => version.status === 'READY')
      .map((version) => ({
        name,
        version: version.version,
        digest: tagValue(version.tags, Tags.digest) ?? '',
        ...(version.creation_timestamp ? { createdAt: new Date(version.creation_timestamp).toISOString() } : {}),
        aliases: aliases.get(version.version) ?? [],
        uri: this.versionUri(name, version.version),
      }));
  }

  private async resolve(name: string, versionOrAlias: string): Promise<ModelVersion> {
    checkModelName(name);
    const version = normalizeVersion(versionOrAlias);
    if (version) {
      const got = await this.call<{ model_version: ModelVersion }>('GET', 'model-versions/get', { name, version }, `read ${name} version ${version}`, ['RESOURCE_DOES_NOT_EXIST']);
      if (!got) throw versionNotFound(name, version, this.displayUri);
      return got.model_version;
    }
    checkAlias(versionOrAlias);
    const got = await this.call<{ model_version: ModelVersion }>('GET', 'registered-models/alias', { name, alias: versionOrAlias }, `read alias ${versionOrAlias} of ${name}`, ['RESOURCE_DOES_NOT_EXIST', 'INVALID_PARAMETER_VALUE']);
    if (!got) throw notFound(name, versionOrAlias, this.displayUri);
    return got.model_version;
  }

  private async manifestOf(version: ModelVersion): Promise<MlflowManifest> {
    const path = tagValue(version.tags, Tags.manifest);
    const expected = tagValue(version.tags, Tags.manifestDigest);
    if (!path || !expected) {
      throw environmentError(`${version.name} version ${version.version} was not pushed by modelci (no ${Tags.manifest} tag), so its digests cannot be verified.`, { code: 'registry-foreign-version' });
    }
    const text = await (await this.download(path, `download the manifest of ${version.name} version ${version.version}`)).text();
    const actual = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    if (actual !== expected) throw digestMismatch(`the manifest of ${version.name} version ${version.version}`, expected, actual);
    return JSON.parse(text) as MlflowManifest;
  }

  async show(name: string, versionOrAlias: string): Promise<VersionDetails> {
    const version = await this.resolve(name, versionOrAlias);
    const manifest = await this.manifestOf(version);
    return {
      name,
      version: version.version,
      digest: manifest.digest,
      ...(version.creation_timestamp ? { createdAt: new Date(version.creation_timestamp).toISOString() } : {}),
      aliases: version.aliases ?? [],
      uri: this.versionUri(name, version.version),
      files: manifest.files,
      evidence: manifest.evidence,
      ...splitMetrics({ ...manifest.metadata, ...(version.run_id ? { mlflowRunId: version.run_id } : {}), ...(version.source ? { source: version.source } : {}) }),
      size: manifest.files.reduce((sum, file) => sum + file.size, 0),
    };
  }

  async pull(name: string, versionOrAlias: string, dest: string): Promise<PullResult> {
    const version = await this.resolve(name, versionOrAlias);
    const manifest = await this.manifestOf(version);
    const source = this.artifactRoot(version.source ?? '');
    await pullFiles(manifest.files, dest, this.artifactFetcher(source), (file) => `'${file.path}' of ${name} version ${version.version}`, this.options.progress);
    return { name, version: version.version, digest: manifest.digest, dest, files: manifest.files };
  }

  async pullEvidence(name: string, versionOrAlias: string, dest: string): Promise<PullResult> {
    const version = await this.resolve(name, versionOrAlias);
    const manifest = await this.manifestOf(version);
    // push-model stores the model under <run artifacts>/model and its evidence beside it.
    const source = `${this.artifactRoot(version.source ?? '').replace(/\/model$/, '')}/evidence`;
    await pullFiles(manifest.evidence, dest, this.artifactFetcher(source), (file) => `evidence '${file.path}' of ${name} version ${version.version}`, this.options.progress);
    return { name, version: version.version, digest: manifest.digest, dest, files: manifest.evidence };
  }

  private artifactFetcher(source: string): FetchFile {
    return async (file, target, onBytes) => {
      const response = await this.download(`${source}/${file.path}`, `download ${file.path}`);
      return copyHashed(response.stream, target, onBytes, this.options.signal);
    };
  }

  async getAlias(name: string, alias: string): Promise<string | undefined> {
    checkModelName(name);
    checkAlias(alias);
    const got = await this.call<{ model_version: ModelVersion }>('GET', 'registered-models/alias', { name, alias }, `read alias ${alias} of ${name}`, ['RESOURCE_DOES_NOT_EXIST', 'INVALID_PARAMETER_VALUE']);
    return got?.model_version.version;
  }

  private async historyTags(name: string): Promise<Tag[]> {
    const got = await this.call<{ registered_model: { tags?: Tag[] } }>('GET', 'registered-models/get', { name }, `read registered model ${name}`, ['RESOURCE_DOES_NOT_EXIST']);
    return (got?.registered_model.tags ?? []).filter((tag) => tag.key.startsWith(Tags.aliasPrefix));
  }

  /**
   * Read-compare-write-readback: MLflow has no conditional alias update, so two movers within
   * milliseconds can both pass the compare. Serialize promotions with CI concurrency.
   */
  async setAlias(request: AliasRequest): Promise<AliasOutcome> {
    checkAlias(request.alias);
    const target = await this.resolve(request.name, request.version);
    const current = await this.getAlias(request.name, request.alias);
    if (request.expect !== undefined && (request.expect ?? undefined) !== current) return { moved: false, current };
    await this.call('POST', 'registered-models/alias', { name: request.name, alias: request.alias, version: target.version }, `set alias ${request.alias} of ${request.name}`);
    const previous = (await this.historyTags(request.name)).filter((tag) => tag.key.startsWith(`${Tags.aliasPrefix}${request.alias}.`));
    const event: AliasEvent = {
      alias: request.alias,
      ...(current ? { from: current } : {}),
      to: target.version,
      by: request.by ?? whoAmI(this.options.env ?? process.env),
      at: new Date().toISOString(),
      seq: previous.length + 1,
    };
    await this.call('POST', 'registered-models/set-tag', { name: request.name, key: `${Tags.aliasPrefix}${request.alias}.${String(event.seq).padStart(6, '0')}`, value: JSON.stringify(event) }, `record the history of alias ${request.alias}`);
    const readback = await this.getAlias(request.name, request.alias);
    if (readback !== target.version) return { moved: false, current: readback };
    return { moved: true, event };
  }

  /** A record goes up beside the version's evidence in the run's artifacts; a version tag names it with its digest. */
  async attachRecord(request: RecordRequest): Promise<VersionRecord> {
    checkRecordName(request.record);
    const version = await this.resolve(request.name, request.version);
    const key = `${Tags.recordPrefix}${request.record}`;
    if (tagValue(version.tags, key) !== undefined) {
      throw usageError(`${request.name} version ${version.version} already has a record named '${request.record}'.`, { code: 'registry-record-exists', hint: 'Records are never replaced; attach it under a new name.' });
    }
    const content = Buffer.from(request.content);
    const record: VersionRecord = { name: request.record, mediaType: request.mediaType, digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, size: content.length };
    await this.uploadBuffer(`${this.recordsRoot(version)}/${request.record}`, content, `upload record ${request.record}`);
    await this.call('POST', 'model-versions/set-tag', { name: request.name, version: version.version, key, value: JSON.stringify({ mediaType: record.mediaType, digest: record.digest, size: record.size }) }, `name record ${request.record} on ${request.name} version ${version.version}`);
    return record;
  }

  private recordsRoot(version: ModelVersion): string {
    return `${this.artifactRoot(version.source ?? '').replace(/\/model$/, '')}/records`;
  }

  async readRecords(name: string, versionOrAlias: string): Promise<{ record: VersionRecord; content: Buffer }[]> {
    const version = await this.resolve(name, versionOrAlias);
    const out: { record: VersionRecord; content: Buffer }[] = [];
    const tags = (version.tags ?? []).filter((tag) => tag.key.startsWith(Tags.recordPrefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const tag of tags) {
      const described = JSON.parse(tag.value) as Omit<VersionRecord, 'name'>;
      const record: VersionRecord = { name: tag.key.slice(Tags.recordPrefix.length), mediaType: described.mediaType, digest: described.digest, size: described.size };
      const chunks: Buffer[] = [];
      for await (const chunk of (await this.download(`${this.recordsRoot(version)}/${record.name}`, `download record ${record.name}`)).stream) chunks.push(chunk as Buffer);
      const content = Buffer.concat(chunks);
      const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      if (actual !== record.digest) throw digestMismatch(`record '${record.name}' of ${name} version ${version.version}`, record.digest, actual);
      out.push({ record, content });
    }
    return out;
  }

  async history(name: string, alias?: string): Promise<AliasEvent[]> {
    checkModelName(name);
    const prefix = alias ? `${Tags.aliasPrefix}${alias}.` : Tags.aliasPrefix;
    const events = (await this.historyTags(name)).filter((tag) => tag.key.startsWith(prefix)).map((tag) => JSON.parse(tag.value) as AliasEvent);
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }
}

