import { environmentError, usageError } from '../errors.js';
import { isLoopback } from '../http/error-text.js';
import { proxyInUse } from '../http/raw-get.js';
import { readEvidence } from './evidence-files.js';
import { metadataRecord, splitMetrics, whoAmI } from './metadata.js';
import { contentDigest, digestMismatch, digestOfFile, listModel, type ListedFile } from './model-files.js';
import { checkAlias, checkModelName, checkRecordName, normalizeVersion } from './names.js';
import { notFound, versionNotFound } from './errors.js';
import { pullFiles, type FetchFile } from './pull-files.js';
import { downloadBlob } from './oci-blob.js';
import { OciClient } from './oci-client.js';
import { OciDistribution, sha256, type Descriptor, type FetchedManifest } from './oci-distribution.js';
import { Annotation, contentTag, historyManifest, historyTag, isReservedTag, manifestMetadata, MediaType, modelConfig, modelLayers, modelManifest, pulledFiles, readLayers, recordsManifest, recordsTag } from './oci-modelpack.js';
import { OciUploader } from './oci-upload.js';
import type {
  AliasEvent,
  AliasOutcome,
  AliasRequest,
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

const DEFAULT_CHUNK = 64 << 20;
// Blobs from this size up are read on a connection of their own (see http/raw-get.ts); smaller ones
// reuse the pooled keep-alive connections, where a new connection (a TLS handshake) costs more than the bytes.
const RAW_MIN = 1 << 20;

/**
 * OCI distribution backend holding ModelPack artifacts. The model name is appended to the
 * namespace: `oci://host/team` + `churn` is repository `team/churn`. Version N is tag `N`; an
 * alias is a tag of the same name (see oci-modelpack.ts for the tag layout).
 */
export class OciRegistry implements Registry {
  readonly kind = 'oci' as const;
  readonly displayUri: string;
  private readonly distribution: OciDistribution;
  private readonly uploader: OciUploader;

  constructor(
    private readonly host: string,
    private readonly namespace: string,
    private readonly options: RegistryOptions,
  ) {
    // Plain HTTP only where nobody can listen in: loopback, or when the user says --insecure.
    const plain = options.insecure || isLoopback(new URL(`http://${host}`).hostname);
    this.displayUri = `oci://${host}${namespace ? `/${namespace}` : ''}`;
    const env = options.env ?? {};
    const password = options.password ?? options.token ?? env.MODELCI_REGISTRY_PASSWORD ?? env.MODELCI_REGISTRY_TOKEN;
    const username = options.username ?? env.MODELCI_REGISTRY_USERNAME ?? (password !== undefined ? 'modelci' : undefined);
    this.distribution = new OciDistribution(new OciClient(`${plain ? 'http' : 'https'}://${host}/`, { username, password }, options.signal));
    this.uploader = new OciUploader(this.distribution, options.signal);
  }

  private repo(name: string): string {
    checkModelName(name);
    return this.namespace ? `${this.namespace}/${name}` : name;
  }

  private versionUri(name: string, version: string, digest?: string): string {
    return `${this.displayUri}/${name}:${version}${digest ? `@${digest}` : ''}`;
  }

  /** Files up to this size go up in one monolithic PUT; larger ones in chunks of this size. */
  private chunkSize(): number {
    const configured = this.options.chunkSize ?? Number(this.options.env?.MODELCI_OCI_CHUNK_SIZE ?? 0);
    return configured > 0 ? configured : DEFAULT_CHUNK;
  }

  private async versionTags(repo: string): Promise<number[]> {
    return (await this.distribution.tags(repo)).filter((tag) => normalizeVersion(tag) === tag).map(Number).sort((a, b) => a - b);
  }

  /** The version already holding this content, found through its content tag; finishes a push that died before tagging. */
  private async existing(repo: string, name: string, digest: string): Promise<PushResult | undefined> {
    const indexed = await this.distribution.getManifest(repo, contentTag(digest));
    const version = indexed?.manifest.annotations?.[Annotation.version];
    if (!indexed || !version) return undefined;
    const tagged = await this.distribution.headManifest(repo, version);
    if (tagged === undefined) {
      // A push died between the content tag and the version tag: finish it.
      await this.distribution.putManifest(repo, version, indexed.raw);
    } else if (tagged !== indexed.digest) {
      return undefined;
    }
    return { name, version, digest, uri: this.versionUri(name, version, indexed.digest), created: false };
  }

  async push(request: PushRequest): Promise<PushResult> {
    const repo = this.repo(request.name);
    const listed = await listModel(request.path);
    const chunkSize = this.chunkSize();
    // Small files are hashed first (cheap, and lets unchanged blobs be skipped); large ones are
    // hashed while they upload, so their bytes are read once.
    const digests = new Map<string, string>();
    for (const file of listed) if (file.size <= chunkSize) digests.set(file.path, await digestOfFile(file.absolute));
    const streamed = listed.some((file) => file.size > chunkSize);
    const modelFiles = (): ModelFile[] => listed.map((file) => ({ path: file.path, digest: digests.get(file.path) as string, size: file.size }));
    if (!streamed) {
      const found = await this.existing(repo, request.name, contentDigest(modelFiles()));
      if (found) return found;
    }

    const evidence = await readEvidence(request.evidence);
    await this.uploadFiles(repo, listed, digests, evidence.files, chunkSize);
    const files = modelFiles();
    const digest = contentDigest(files);
    if (streamed) {
      const found = await this.existing(repo, request.name, digest);
      if (found) return found;
    }
    const layers = modelLayers(files, evidence.files);
    const metadata = metadataRecord(request.metadata);
    const createdAt = new Date().toISOString();

    let version = ((await this.versionTags(repo)).at(-1) ?? 0) + 1;
    for (let attempt = 0; attempt < 10; attempt++, version++) {
      const fields = { name: request.name, version: String(version), createdAt, digest, files, metadata };
      const config = await this.distribution.pushBuffer(repo, modelConfig(fields));
      const raw = Buffer.from(JSON.stringify(modelManifest(fields, config, layers)));
      const manifestDigest = sha256(raw);
      // Manifest by digest first: invisible until tagged. Then the content index, then the version tag.
      await this.distribution.putManifest(repo, manifestDigest, raw);
      if ((await this.distribution.headManifest(repo, String(version))) !== undefined) continue;
      await this.distribution.putManifest(repo, contentTag(digest), raw);
      await this.distribution.putManifest(repo, String(version), raw);
      // Read back: another writer may have tagged the same number in the window.
      if ((await this.distribution.headManifest(repo, String(version))) === manifestDigest) {
        return { name: request.name, version: String(version), digest, uri: this.versionUri(request.name, String(version), manifestDigest), created: true };
      }
    }
    throw environmentError(`Could not pick a version number for ${repo}: other pushes kept taking them.`, { code: 'registry-conflict', hint: 'Serialize pushes of one model with CI concurrency (GitHub concurrency:, GitLab resource_group).' });
  }

  /** Uploads the model files (hashing the large ones on the way, into `digests`) and the evidence files. */
  private async uploadFiles(repo: string, listed: ListedFile[], digests: Map<string, string>, evidence: Awaited<ReturnType<typeof readEvidence>>['files'], chunkSize: number): Promise<void> {
    const total = listed.reduce((sum, file) => sum + file.size, 0) + evidence.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    const progress = (bytes: number): void => this.options.progress?.('push', done + bytes, total);
    for (const file of listed) {
      const known = digests.get(file.path);
      if (known) await this.uploader.pushKnown(repo, { ...file, digest: known }, progress);
      else digests.set(file.path, await this.uploader.pushStreamed(repo, file, chunkSize, progress));
      done += file.size;
    }
    for (const file of evidence) {
      await this.uploader.pushKnown(repo, file, progress);
      done += file.size;
    }
    this.options.progress?.('push', total, total);
  }

  async list(name: string): Promise<VersionSummary[]> {
    const repo = this.repo(name);
    const tags = await this.distribution.tags(repo);
    const versions = tags.filter((tag) => normalizeVersion(tag) === tag).map(Number).sort((a, b) => a - b).map(String);
    const aliases = new Map<string, string[]>();
    for (const tag of tags.filter((tag) => !isReservedTag(tag)).sort()) {
      const version = (await this.distribution.getManifest(repo, tag))?.manifest.annotations?.[Annotation.version];
      if (version) aliases.set(version, [...(aliases.get(version) ?? []), tag]);
    }
    const out: VersionSummary[] = [];
    for (const version of versions) {
      const fetched = await this.distribution.getManifest(repo, version);
      if (!fetched) continue;
      const annotations = fetched.manifest.annotations ?? {};
      out.push({
        name,
        version,
        digest: annotations[Annotation.digest] ?? fetched.digest,
        ...(annotations[Annotation.created] ? { createdAt: annotations[Annotation.created] } : {}),
        aliases: aliases.get(version) ?? [],
        uri: this.versionUri(name, version, fetched.digest),
      });
    }
    return out;
  }

  private async resolve(name: string, versionOrAlias: string): Promise<{ repo: string; version: string; fetched: FetchedManifest }> {
    const repo = this.repo(name);
    const version = normalizeVersion(versionOrAlias);
    if (version === undefined) checkAlias(versionOrAlias);
    const fetched = await this.distribution.getManifest(repo, version ?? versionOrAlias);
    if (!fetched) throw version ? versionNotFound(name, version, this.displayUri) : notFound(name, versionOrAlias, this.displayUri);
    const resolved = fetched.manifest.annotations?.[Annotation.version];
    if (!resolved || fetched.manifest.artifactType !== MediaType.modelArtifact) {
      throw environmentError(`${repo}:${versionOrAlias} is not a model pushed by modelci (no ModelPack artifactType or version annotation).`, { code: 'registry-foreign-manifest' });
    }
    return { repo, version: resolved, fetched };
  }

  async show(name: string, versionOrAlias: string): Promise<VersionDetails> {
    const { repo, version, fetched } = await this.resolve(name, versionOrAlias);
    const annotations = fetched.manifest.annotations ?? {};
    const { files, evidence } = readLayers(fetched.manifest);
    const metadata = manifestMetadata(annotations);
    const aliases: string[] = [];
    for (const tag of (await this.distribution.tags(repo)).filter((tag) => !isReservedTag(tag)).sort()) {
      if ((await this.distribution.headManifest(repo, tag)) === fetched.digest) aliases.push(tag);
    }
    return {
      name,
      version,
      digest: annotations[Annotation.digest] ?? fetched.digest,
      ...(annotations[Annotation.created] ? { createdAt: annotations[Annotation.created] } : {}),
      aliases,
      uri: this.versionUri(name, version, fetched.digest),
      files,
      evidence,
      ...splitMetrics({ ...metadata, manifestDigest: fetched.digest }),
      size: files.reduce((sum, file) => sum + file.size, 0),
    };
  }

  async pull(name: string, versionOrAlias: string, dest: string): Promise<PullResult> {
    const { repo, version, fetched } = await this.resolve(name, versionOrAlias);
    const files = pulledFiles(fetched.manifest);
    await pullFiles(files, dest, this.blobFetcher(repo), (file) => `'${file.path}' of ${name} version ${version}`, this.options.progress);
    return { name, version, digest: fetched.manifest.annotations?.[Annotation.digest] ?? fetched.digest, dest, files };
  }

  async pullEvidence(name: string, versionOrAlias: string, dest: string): Promise<PullResult> {
    const { repo, version, fetched } = await this.resolve(name, versionOrAlias);
    const { evidence } = readLayers(fetched.manifest);
    await pullFiles(evidence, dest, this.blobFetcher(repo), (file) => `evidence '${file.path}' of ${name} version ${version}`, this.options.progress);
    return { name, version, digest: fetched.manifest.annotations?.[Annotation.digest] ?? fetched.digest, dest, files: evidence };
  }

  private blobFetcher(repo: string): FetchFile {
    return (file, target, onBytes) => downloadBlob({
      client: this.distribution.client,
      url: this.distribution.blobUrl(repo, file.digest),
      what: `download blob ${file.digest} from ${repo}`,
      raw: file.size >= RAW_MIN && !proxyInUse(),
      pooled: () => this.distribution.openBlob(repo, file.digest),
      onBytes,
      signal: this.options.signal,
    }, target);
  }

  async getAlias(name: string, alias: string): Promise<string | undefined> {
    const repo = this.repo(name);
    checkAlias(alias);
    const fetched = await this.distribution.getManifest(repo, alias);
    return fetched?.manifest.annotations?.[Annotation.version];
  }

  private async readHistory(repo: string, alias: string): Promise<AliasEvent[]> {
    const fetched = await this.distribution.getManifest(repo, historyTag(alias));
    const layer = fetched?.manifest.layers[0];
    if (!layer) return [];
    const response = await this.distribution.openBlob(repo, layer.digest);
    const text = await response.text();
    if (sha256(text) !== layer.digest) throw digestMismatch(`history of alias ${alias} in ${repo}`, layer.digest, sha256(text));
    return JSON.parse(text) as AliasEvent[];
  }

  private async writeHistory(repo: string, alias: string, events: AliasEvent[]): Promise<void> {
    const layer = await this.distribution.pushBuffer(repo, Buffer.from(JSON.stringify(events)));
    await this.distribution.pushBuffer(repo, Buffer.from('{}'));
    await this.distribution.putManifest(repo, historyTag(alias), Buffer.from(JSON.stringify(historyManifest(layer, new Date().toISOString()))));
  }

  /**
   * Read-compare-write-readback: OCI has no conditional tag update, so two movers inside the
   * same few milliseconds can both pass the compare. The readback catches the loser most of the
   * time; serialize promotions with CI concurrency to close the window.
   */
  async setAlias(request: AliasRequest): Promise<AliasOutcome> {
    const repo = this.repo(request.name);
    checkAlias(request.alias);
    const target = await this.resolve(request.name, request.version);
    const current = await this.getAlias(request.name, request.alias);
    if (request.expect !== undefined && (request.expect ?? undefined) !== current) return { moved: false, current };
    await this.distribution.putManifest(repo, request.alias, target.fetched.raw);
    const history = await this.readHistory(repo, request.alias);
    const event: AliasEvent = {
      alias: request.alias,
      ...(current ? { from: current } : {}),
      to: target.version,
      by: request.by ?? whoAmI(this.options.env ?? process.env),
      at: new Date().toISOString(),
      seq: history.length + 1,
    };
    await this.writeHistory(repo, request.alias, [...history, event]);
    const readback = await this.getAlias(request.name, request.alias);
    if (readback !== target.version) return { moved: false, current: readback };
    return { moved: true, event };
  }

  private async recordLayers(repo: string, version: string): Promise<Descriptor[]> {
    return (await this.distribution.getManifest(repo, recordsTag(version)))?.manifest.layers ?? [];
  }

  /**
   * Appends a layer to the version's records manifest: read, write, read back (as setAlias; two
   * writers at once can lose one record, so the readback refuses to report it attached).
   */
  async attachRecord(request: RecordRequest): Promise<VersionRecord> {
    checkRecordName(request.record);
    const { repo, version } = await this.resolve(request.name, request.version);
    const layers = await this.recordLayers(repo, version);
    if (layers.some((layer) => layer.annotations?.[Annotation.filepath] === request.record)) {
      throw usageError(`${request.name} version ${version} already has a record named '${request.record}'.`, { code: 'registry-record-exists', hint: 'Records are never replaced; attach it under a new name.' });
    }
    const pushed = await this.distribution.pushBuffer(repo, Buffer.from(request.content));
    const layer: Descriptor = { mediaType: request.mediaType, digest: pushed.digest, size: pushed.size, annotations: { [Annotation.filepath]: request.record } };
    await this.distribution.pushBuffer(repo, Buffer.from('{}'));
    await this.distribution.putManifest(repo, recordsTag(version), Buffer.from(JSON.stringify(recordsManifest([...layers, layer], new Date().toISOString()))));
    if (!(await this.recordLayers(repo, version)).some((each) => each.digest === layer.digest && each.annotations?.[Annotation.filepath] === request.record)) {
      throw environmentError(`Another writer replaced the records of ${repo}:${version} while '${request.record}' was attached.`, { code: 'registry-conflict', hint: 'Run again; serialize gate runs of one model with CI concurrency.' });
    }
    return { name: request.record, mediaType: request.mediaType, digest: layer.digest, size: layer.size };
  }

  async readRecords(name: string, versionOrAlias: string): Promise<{ record: VersionRecord; content: Buffer }[]> {
    const { repo, version } = await this.resolve(name, versionOrAlias);
    const out: { record: VersionRecord; content: Buffer }[] = [];
    for (const layer of await this.recordLayers(repo, version)) {
      const chunks: Buffer[] = [];
      for await (const chunk of (await this.distribution.openBlob(repo, layer.digest)).stream) chunks.push(chunk as Buffer);
      const content = Buffer.concat(chunks);
      if (sha256(content) !== layer.digest) throw digestMismatch(`record of ${repo}:${version}`, layer.digest, sha256(content));
      out.push({ record: { name: layer.annotations?.[Annotation.filepath] ?? layer.digest, mediaType: layer.mediaType, digest: layer.digest, size: layer.size }, content });
    }
    return out.sort((a, b) => (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0));
  }

  async history(name: string, alias?: string): Promise<AliasEvent[]> {
    const repo = this.repo(name);
    const aliases = alias ? [alias] : (await this.distribution.tags(repo)).filter((tag) => tag.startsWith('history-')).map((tag) => tag.slice('history-'.length));
    const events: AliasEvent[] = [];
    for (const each of aliases) events.push(...(await this.readHistory(repo, each)));
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }
}
