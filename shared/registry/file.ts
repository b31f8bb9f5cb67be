// The file:// backend of the Registry interface: every method of it over one directory layout,
// whose locking and atomic renames the methods share; the layout rules would scatter if split.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { usageError } from '../errors.js';
import { readEvidence } from './evidence-files.js';
import { metadataRecord, splitMetrics, whoAmI } from './metadata.js';
import { copyHashed, digestMismatch, scanModel, type ScannedFile } from './model-files.js';
import { checkAlias, checkModelName, checkRecordName, normalizeVersion } from './names.js';
import { notFound, versionNotFound } from './errors.js';
import { pullFiles, type FetchFile } from './pull-files.js';
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
  VersionDetails,
  VersionRecord,
  VersionSummary,
} from './types.js';

/** What `versions/<N>/manifest.json` holds. Written once, never changed. */
interface FileManifest {
  schemaVersion: 1;
  name: string;
  version: string;
  digest: string;
  createdAt: string;
  files: ModelFile[];
  evidence: EvidenceEntry[];
  metadata: Record<string, string>;
  metrics?: Record<string, number>;
}

const SEQ_WIDTH = 10;

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The embedded registry: a directory anyone with the path can share.
 *
 *   blobs/sha256/<hex>                      content-addressed file bodies, shared by all models
 *   models/<name>/versions/<N>/manifest.json one immutable directory per version
 *   models/<name>/aliases/<alias>/<seq>.json one file per alias move, never rewritten
 *   models/<name>/records/<N>/<record>.json  a record attached later (body in blobs/), never rewritten
 *   tmp/                                    staging; nothing here is visible to readers
 *
 * Publishing a version is one rename of a complete staged directory onto `versions/<N>`; rename
 * refuses a non-empty target, so two writers can never both get N. An alias move is one
 * `link()` of a complete temp file onto `<seq+1>.json`; link refuses an existing name, which is a
 * compare-and-swap on the alias history: exactly one writer wins each sequence number.
 */
export class FileRegistry implements Registry {
  readonly kind = 'file' as const;
  readonly displayUri: string;

  constructor(
    private readonly root: string,
    private readonly options: RegistryOptions,
  ) {
    this.displayUri = `file://${root}`;
  }

  private modelDir(name: string): string {
    return join(this.root, 'models', name);
  }

  private blobPath(digest: string): string {
    const hex = digest.replace(/^sha256:/, '');
    return join(this.root, 'blobs', 'sha256', hex.slice(0, 2), hex);
  }

  private async tempPath(prefix: string): Promise<string> {
    const tmp = join(this.root, 'tmp');
    await mkdir(tmp, { recursive: true });
    return join(tmp, `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private versionUri(name: string, version: string): string {
    return `${this.displayUri}#${name}/${version}`;
  }

  async push(request: PushRequest): Promise<PushResult> {
    checkModelName(request.name);
    const model = await scanModel(request.path);
    const existing = (await this.readManifests(request.name)).find((manifest) => manifest.digest === model.digest);
    if (existing) return { name: request.name, version: existing.version, digest: existing.digest, uri: this.versionUri(request.name, existing.version), created: false };

    const evidence = await readEvidence(request.evidence);
    const total = model.size + evidence.files.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    for (const file of [...model.files, ...evidence.files]) {
      await this.storeBlob(file, (bytes) => this.options.progress?.('push', done + bytes, total));
      done += file.size;
    }
    this.options.progress?.('push', total, total);

    const metadata = metadataRecord(request.metadata);
    const staged = await this.tempPath('version');
    await mkdir(staged);
    try {
      for (let attempt = 0; ; attempt++) {
        const version = String((await this.maxVersion(request.name)) + 1 + attempt);
        const manifest: FileManifest = {
          schemaVersion: 1,
          name: request.name,
          version,
          digest: model.digest,
          createdAt: new Date().toISOString(),
          files: model.files.map(({ path, digest, size }) => ({ path, digest, size })),
          evidence: evidence.files.map(({ absolute: _absolute, ...entry }) => entry),
          ...splitMetrics(metadata),
        };
        await writeSynced(join(staged, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        const target = join(this.modelDir(request.name), 'versions', version);
        await mkdir(dirname(target), { recursive: true });
        try {
          await rename(staged, target);
          return { name: request.name, version, digest: model.digest, uri: this.versionUri(request.name, version), created: true };
        } catch (error) {
          // Another writer published this number first: take the next one.
          if (errno(error) !== 'ENOTEMPTY' && errno(error) !== 'EEXIST') throw error;
          if (attempt > 1000) throw error;
        }
      }
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  }

  /** Copies one file into the blob store, hashing as it goes: what is stored is what was hashed. */
  private async storeBlob(file: ScannedFile, onBytes: (bytes: number) => void): Promise<void> {
    const target = this.blobPath(file.digest);
    try {
      const info = await stat(target);
      if (info.size === file.size) {
        onBytes(file.size);
        return;
      }
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
    }
    const temp = await this.tempPath('blob');
    try {
      const { digest: actual } = await copyHashed(createReadStream(file.absolute, { highWaterMark: 1 << 20 }), temp, onBytes, this.options.signal);
      if (actual !== file.digest) {
        throw usageError(`File '${file.path}' changed while it was being pushed.`, { code: 'registry-file-changed', hint: 'Push after the step that writes the model has finished.' });
      }
      await fsyncPath(temp);
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async versionNumbers(name: string): Promise<number[]> {
    try {
      const entries = await readdir(join(this.modelDir(name), 'versions'));
      return entries.filter((entry) => normalizeVersion(entry) === entry).map(Number).sort((a, b) => a - b);
    } catch (error) {
      if (errno(error) === 'ENOENT') return [];
      throw error;
    }
  }

  private async maxVersion(name: string): Promise<number> {
    const numbers = await this.versionNumbers(name);
    return numbers.length === 0 ? 0 : (numbers[numbers.length - 1] as number);
  }

  private async readManifest(name: string, version: string): Promise<FileManifest | undefined> {
    try {
      return JSON.parse(await readFile(join(this.modelDir(name), 'versions', version, 'manifest.json'), 'utf8')) as FileManifest;
    } catch (error) {
      if (errno(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async readManifests(name: string): Promise<FileManifest[]> {
    const manifests: FileManifest[] = [];
    for (const number of await this.versionNumbers(name)) {
      const manifest = await this.readManifest(name, String(number));
      if (manifest) manifests.push(manifest);
    }
    return manifests;
  }

  private async aliasNames(name: string): Promise<string[]> {
    try {
      return (await readdir(join(this.modelDir(name), 'aliases'))).sort();
    } catch (error) {
      if (errno(error) === 'ENOENT') return [];
      throw error;
    }
  }

  private async aliasMap(name: string): Promise<Map<string, string[]>> {
    const byVersion = new Map<string, string[]>();
    for (const alias of await this.aliasNames(name)) {
      const head = await this.aliasHead(name, alias);
      if (!head) continue;
      byVersion.set(head.to, [...(byVersion.get(head.to) ?? []), alias]);
    }
    return byVersion;
  }

  async list(name: string): Promise<VersionSummary[]> {
    checkModelName(name);
    const aliases = await this.aliasMap(name);
    return (await this.readManifests(name)).map((manifest) => this.summary(name, manifest, aliases));
  }

  private summary(name: string, manifest: FileManifest, aliases: Map<string, string[]>): VersionSummary {
    return {
      name,
      version: manifest.version,
      digest: manifest.digest,
      createdAt: manifest.createdAt,
      aliases: aliases.get(manifest.version) ?? [],
      uri: this.versionUri(name, manifest.version),
    };
  }

  private async resolve(name: string, versionOrAlias: string): Promise<FileManifest> {
    checkModelName(name);
    const version = normalizeVersion(versionOrAlias) ?? (await this.getAlias(name, versionOrAlias));
    if (version === undefined) throw notFound(name, versionOrAlias, this.displayUri);
    const manifest = await this.readManifest(name, version);
    if (!manifest) throw versionNotFound(name, version, this.displayUri);
    return manifest;
  }

  async show(name: string, version: string): Promise<VersionDetails> {
    const manifest = await this.resolve(name, version);
    return {
      ...this.summary(name, manifest, await this.aliasMap(name)),
      files: manifest.files,
      evidence: manifest.evidence,
      ...splitMetrics(manifest.metadata),
      ...(manifest.metrics ? { metrics: manifest.metrics } : {}),
      size: manifest.files.reduce((sum, file) => sum + file.size, 0),
    };
  }

  async pull(name: string, version: string, dest: string): Promise<PullResult> {
    const manifest = await this.resolve(name, version);
    await pullFiles(manifest.files, dest, this.fetchBlob, (file) => `'${file.path}' of ${name} version ${manifest.version}`, this.options.progress);
    return { name, version: manifest.version, digest: manifest.digest, dest, files: manifest.files };
  }

  async pullEvidence(name: string, version: string, dest: string): Promise<PullResult> {
    const manifest = await this.resolve(name, version);
    await pullFiles(manifest.evidence, dest, this.fetchBlob, (file) => `evidence '${file.path}' of ${name} version ${manifest.version}`, this.options.progress);
    return { name, version: manifest.version, digest: manifest.digest, dest, files: manifest.evidence };
  }

  private readonly fetchBlob: FetchFile = (file, target, onBytes) => copyHashed(createReadStream(this.blobPath(file.digest), { highWaterMark: 1 << 20 }), target, onBytes, this.options.signal);

  private async aliasEvents(name: string, alias: string): Promise<AliasEvent[]> {
    const directory = join(this.modelDir(name), 'aliases', alias);
    let entries: string[];
    try {
      entries = (await readdir(directory)).filter((entry) => /^\d+\.json$/.test(entry)).sort();
    } catch (error) {
      if (errno(error) === 'ENOENT') return [];
      throw error;
    }
    const events: AliasEvent[] = [];
    for (const entry of entries) events.push(JSON.parse(await readFile(join(directory, entry), 'utf8')) as AliasEvent);
    return events;
  }

  private async aliasHead(name: string, alias: string): Promise<AliasEvent | undefined> {
    const directory = join(this.modelDir(name), 'aliases', alias);
    let entries: string[];
    try {
      entries = (await readdir(directory)).filter((entry) => /^\d+\.json$/.test(entry)).sort();
    } catch (error) {
      if (errno(error) === 'ENOENT') return undefined;
      throw error;
    }
    const last = entries[entries.length - 1];
    return last ? (JSON.parse(await readFile(join(directory, last), 'utf8')) as AliasEvent) : undefined;
  }

  async getAlias(name: string, alias: string): Promise<string | undefined> {
    checkModelName(name);
    return (await this.aliasHead(name, alias))?.to;
  }

  async setAlias(request: AliasRequest): Promise<AliasOutcome> {
    checkModelName(request.name);
    checkAlias(request.alias);
    const target = await this.resolve(request.name, request.version);
    const directory = join(this.modelDir(request.name), 'aliases', request.alias);
    await mkdir(directory, { recursive: true });
    for (;;) {
      const head = await this.aliasHead(request.name, request.alias);
      if (request.expect !== undefined && (request.expect ?? undefined) !== head?.to) return { moved: false, current: head?.to };
      const event: AliasEvent = {
        alias: request.alias,
        ...(head ? { from: head.to } : {}),
        to: target.version,
        by: request.by ?? whoAmI(this.options.env ?? process.env),
        at: new Date().toISOString(),
        seq: (head?.seq ?? 0) + 1,
      };
      const temp = await this.tempPath('alias');
      await writeSynced(temp, `${JSON.stringify(event)}\n`);
      try {
        await link(temp, join(directory, `${String(event.seq).padStart(SEQ_WIDTH, '0')}.json`));
        return { moved: true, event };
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw error;
        // Someone else moved the alias between our read and our write; re-read and decide again.
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    }
  }

  async attachRecord(request: RecordRequest): Promise<VersionRecord> {
    checkRecordName(request.record);
    const manifest = await this.resolve(request.name, request.version);
    const content = Buffer.from(request.content);
    const record: VersionRecord = { name: request.record, mediaType: request.mediaType, digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, size: content.length };
    const body = await this.tempPath('record');
    try {
      await writeSynced(body, content);
      await mkdir(dirname(this.blobPath(record.digest)), { recursive: true });
      await rename(body, this.blobPath(record.digest));
    } finally {
      await rm(body, { force: true });
    }
    const directory = join(this.modelDir(request.name), 'records', manifest.version);
    await mkdir(directory, { recursive: true });
    const temp = await this.tempPath('record');
    await writeSynced(temp, `${JSON.stringify(record)}\n`);
    try {
      await link(temp, join(directory, `${request.record}.json`));
    } catch (error) {
      if (errno(error) === 'EEXIST') throw usageError(`${request.name} version ${manifest.version} already has a record named '${request.record}'.`, { code: 'registry-record-exists', hint: 'Records are never replaced; attach it under a new name.' });
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    return record;
  }

  async readRecords(name: string, version: string): Promise<{ record: VersionRecord; content: Buffer }[]> {
    const manifest = await this.resolve(name, version);
    const directory = join(this.modelDir(name), 'records', manifest.version);
    const entries = await readdir(directory).then((names) => names.filter((entry) => entry.endsWith('.json')).sort(), (error: unknown) => {
      if (errno(error) === 'ENOENT') return [] as string[];
      throw error;
    });
    const out: { record: VersionRecord; content: Buffer }[] = [];
    for (const entry of entries) {
      const record = JSON.parse(await readFile(join(directory, entry), 'utf8')) as VersionRecord;
      const content = await readFile(this.blobPath(record.digest));
      const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      if (actual !== record.digest) throw digestMismatch(`record '${record.name}' of ${name} version ${manifest.version}`, record.digest, actual);
      out.push({ record, content });
    }
    return out;
  }

  async history(name: string, alias?: string): Promise<AliasEvent[]> {
    checkModelName(name);
    const aliases = alias ? [alias] : await this.aliasNames(name);
    const events: AliasEvent[] = [];
    for (const each of aliases) events.push(...(await this.aliasEvents(name, each)));
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }
}

async function writeSynced(path: string, text: string | Buffer): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
