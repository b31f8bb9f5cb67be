import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { environmentError, usageError } from '../errors.js';
import {
  checkAlias,
  checkModelName,
  checkRelativePath,
  contentDigest,
  digestMismatch,
  digestOfFile,
  listModel,
  metadataRecord,
  splitMetrics,
  normalizeVersion,
  readEvidence,
  stagePull,
  whoAmI,
  type ListedFile,
  type ScannedFile,
} from './content.js';
import { notFound, versionNotFound } from './errors.js';
import { isLoopback, send, type HttpResponse } from './http.js';
import { downloadBlob } from './oci-blob.js';
import { proxyInUse } from './raw-get.js';
import { OciClient } from './oci-client.js';
import type {
  AliasEvent,
  AliasOutcome,
  AliasRequest,
  EvidenceEntry,
  ModelFile,
  PullResult,
  PushRequest,
  PushResult,
  Registry,
  RegistryOptions,
  VersionDetails,
  VersionSummary,
} from './types.js';

// CNCF ModelPack (model-spec v1) and OCI image-spec 1.1 media types.
export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  modelArtifact: 'application/vnd.cncf.model.manifest.v1+json',
  modelConfig: 'application/vnd.cncf.model.config.v1+json',
  weight: 'application/vnd.cncf.model.weight.v1.raw',
  weightConfig: 'application/vnd.cncf.model.weight.config.v1.raw',
  doc: 'application/vnd.cncf.model.doc.v1.raw',
  code: 'application/vnd.cncf.model.code.v1.raw',
  evidence: 'application/vnd.modelci.evidence.v1+json',
  aliasHistory: 'application/vnd.modelci.alias-history.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
} as const;

export const Annotation = {
  filepath: 'org.cncf.model.filepath',
  created: 'org.opencontainers.image.created',
  title: 'org.opencontainers.image.title',
  name: 'org.modelci.model.name',
  version: 'org.modelci.model.version',
  digest: 'org.modelci.model.digest',
  metadataPrefix: 'org.modelci.metadata.',
} as const;

const DEFAULT_CHUNK = 64 << 20;
// Blobs from this size up are read on a connection of their own (see raw-get.ts); smaller ones
// reuse the pooled keep-alive connections, where a new connection (a TLS handshake) costs more than the bytes.
const RAW_MIN = 1 << 20;
const EMPTY = { mediaType: MediaType.empty, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };
const ACCEPT = [MediaType.manifest, MediaType.index, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

interface FetchedManifest {
  manifest: Manifest;
  raw: Buffer;
  digest: string;
}

/** ModelPack layer type by file name: docs, code, weight configs, else weights. */
export function layerMediaType(path: string): string {
  const name = basename(path).toLowerCase();
  if (/\.(md|txt|rst)$/.test(name) || /^(license|readme|notice)/.test(name)) return MediaType.doc;
  if (/\.(py|ipynb|sh|r|js|ts)$/.test(name)) return MediaType.code;
  if (/\.(json|ya?ml|toml|cfg|ini)$/.test(name) || name === 'mlmodel') return MediaType.weightConfig;
  return MediaType.weight;
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function isReservedTag(tag: string): boolean {
  return normalizeVersion(tag) === tag || tag.startsWith('content-sha256-') || tag.startsWith('history-');
}

/**
 * OCI distribution backend. The model name is appended to the namespace: `oci://host/team` +
 * `churn` is repository `team/churn`. Version N is tag `N`; an alias is a tag of the same name;
 * `content-sha256-<hex>` tags index versions by content digest so re-pushes are found in one
 * request; `history-<alias>` tags hold each alias's history as a small artifact.
 */
export class OciRegistry implements Registry {
  readonly kind = 'oci' as const;
  readonly displayUri: string;
  private readonly client: OciClient;

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
    this.client = new OciClient(`${plain ? 'http' : 'https'}://${host}/`, { username, password }, options.signal);
  }

  private repo(name: string): string {
    checkModelName(name);
    return this.namespace ? `${this.namespace}/${name}` : name;
  }

  private versionUri(name: string, version: string, digest?: string): string {
    return `${this.displayUri}/${name}:${version}${digest ? `@${digest}` : ''}`;
  }

  // ---- low-level ----

  private async getManifest(repo: string, reference: string): Promise<FetchedManifest | undefined> {
    const what = `read manifest ${repo}:${reference}`;
    const response = await this.client.request({ method: 'GET', url: this.client.url(`v2/${repo}/manifests/${reference}`), headers: { accept: ACCEPT }, what });
    if (response.status === 404) {
      await response.drain();
      return undefined;
    }
    if (response.status !== 200) return this.client.fail(response, what);
    const chunks: Buffer[] = [];
    for await (const chunk of response.stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const digest = sha256(raw);
    const claimed = response.headers['docker-content-digest'];
    if (reference.startsWith('sha256:') && reference !== digest) throw digestMismatch(`manifest ${repo}@${reference}`, reference, digest);
    if (typeof claimed === 'string' && claimed !== digest) throw digestMismatch(`manifest ${repo}:${reference}`, claimed, digest);
    return { manifest: JSON.parse(raw.toString('utf8')) as Manifest, raw, digest };
  }

  private async headManifest(repo: string, reference: string): Promise<string | undefined> {
    const what = `check manifest ${repo}:${reference}`;
    const response = await this.client.request({ method: 'HEAD', url: this.client.url(`v2/${repo}/manifests/${reference}`), headers: { accept: ACCEPT }, what });
    await response.drain();
    if (response.status === 404) return undefined;
    if (response.status !== 200) return this.client.fail(response, what);
    const digest = response.headers['docker-content-digest'];
    if (typeof digest === 'string') return digest;
    return (await this.getManifest(repo, reference))?.digest;
  }

  private async putManifest(repo: string, reference: string, raw: Buffer, mediaType: string): Promise<void> {
    const what = `push manifest ${repo}:${reference}`;
    const response = await this.client.request({ method: 'PUT', url: this.client.url(`v2/${repo}/manifests/${reference}`), headers: { 'content-type': mediaType }, body: raw, what });
    if (response.status !== 201 && response.status !== 200) return this.client.fail(response, what);
    await response.drain();
  }

  private async blobExists(repo: string, digest: string): Promise<boolean> {
    const what = `check blob ${digest} in ${repo}`;
    const response = await this.client.request({ method: 'HEAD', url: this.client.url(`v2/${repo}/blobs/${digest}`), what });
    await response.drain();
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    return this.client.fail(response, what);
  }

  private async startUpload(repo: string, what: string): Promise<string> {
    const response = await this.client.request({ method: 'POST', url: this.client.url(`v2/${repo}/blobs/uploads/`), what });
    if (response.status !== 202) return this.client.fail(response, what);
    await response.drain();
    return this.location(response, what);
  }

  private location(response: HttpResponse, what: string): string {
    const location = response.headers.location;
    if (typeof location !== 'string') throw environmentError(`Could not ${what}: the registry sent no upload Location.`, { code: 'registry-error' });
    return new URL(location, this.client.base).toString();
  }

  private withDigest(location: string, digest: string): string {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    return url.toString();
  }

  private async pushBuffer(repo: string, data: Buffer): Promise<Descriptor> {
    const digest = sha256(data);
    if (!(await this.blobExists(repo, digest))) {
      const what = `upload blob ${digest} to ${repo}`;
      const location = await this.startUpload(repo, what);
      const response = await this.client.request({ method: 'PUT', url: this.withDigest(location, digest), headers: { 'content-type': 'application/octet-stream' }, body: data, what });
      if (response.status !== 201) return this.client.fail(response, what);
      await response.drain();
    }
    return { mediaType: 'application/octet-stream', digest, size: data.length };
  }

  /** Files up to this size go up in one monolithic PUT; larger ones in chunks of this size. */
  private chunkSize(): number {
    const configured = this.options.chunkSize ?? Number(this.options.env?.MODELCI_OCI_CHUNK_SIZE ?? 0);
    return configured > 0 ? configured : DEFAULT_CHUNK;
  }

  /**
   * A file whose digest is known: skipped when the repository has it, else one monolithic PUT.
   * The bytes are hashed as they leave, so a file changed since it was hashed is caught.
   */
  private async pushKnown(repo: string, file: ScannedFile, onBytes: (bytes: number) => void): Promise<void> {
    if (await this.blobExists(repo, file.digest)) {
      onBytes(file.size);
      return;
    }
    const what = `upload ${file.path} (${file.digest}) to ${repo}`;
    await this.withRetries(async () => {
      const location = await this.startUpload(repo, what);
      const tap = hashTap(onBytes);
      const response = await this.client.request({
        method: 'PUT',
        url: this.withDigest(location, file.digest),
        headers: { 'content-type': 'application/octet-stream' },
        body: () => createReadStream(file.absolute, { highWaterMark: 1 << 20 }).pipe(tap.stream(0, true)),
        length: file.size,
        what,
      }, 1);
      if (response.status !== 201) return this.client.fail(response, what);
      await response.drain();
      if (tap.digest() !== file.digest) throw changedWhilePushing(file.path);
    });
  }

  /**
   * A large file in one pass: PATCH chunks in order (Content-Range), hashing as they leave, then
   * the closing PUT names the digest and the registry checks it. Reading the file only once is
   * what keeps a multi-GB push near the speed of a plain upload.
   */
  private async pushStreamed(repo: string, file: ListedFile, onBytes: (bytes: number) => void): Promise<string> {
    const what = `upload ${file.path} to ${repo}`;
    const chunkSize = this.chunkSize();
    return this.withRetries(async () => {
      let location = await this.startUpload(repo, what);
      const tap = hashTap(onBytes);
      for (let start = 0; start < file.size; start += chunkSize) {
        const end = Math.min(start + chunkSize, file.size) - 1;
        const response = await this.client.request({
          method: 'PATCH',
          url: location,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}` },
          body: () => createReadStream(file.absolute, { start, end, highWaterMark: 1 << 20 }).pipe(tap.stream(start, start === 0)),
          length: end - start + 1,
          what,
        }, 1);
        if (response.status !== 202) return this.client.fail(response, what);
        await response.drain();
        location = this.location(response, what);
      }
      const digest = tap.digest();
      const response = await this.client.request({ method: 'PUT', url: this.withDigest(location, digest), what }, 1);
      if (response.status !== 201) return this.client.fail(response, what);
      await response.drain();
      return digest;
    });
  }

  /** A failed upload restarts with a fresh session; usage errors and aborts do not retry. */
  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 3 || (error as { kind?: string }).kind === 'usage' || this.options.signal?.aborted) throw error;
      }
    }
  }

  private async tags(repo: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = this.client.url(`v2/${repo}/tags/list?n=1000`);
    while (next) {
      const what = `list tags of ${repo}`;
      const response = await this.client.request({ method: 'GET', url: next, what });
      if (response.status === 404) {
        await response.drain();
        return tags;
      }
      if (response.status !== 200) return this.client.fail(response, what);
      const body = await response.json<{ tags?: string[] | null }>();
      tags.push(...(body.tags ?? []));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(response.headers.link ?? ''));
      next = link?.[1] ? new URL(link[1], this.client.base).toString() : undefined;
    }
    return tags;
  }

  private async versionTags(repo: string): Promise<number[]> {
    return (await this.tags(repo)).filter((tag) => normalizeVersion(tag) === tag).map(Number).sort((a, b) => a - b);
  }

  // ---- Registry ----

  /** The version already holding this content, found through its content tag; finishes a push that died before tagging. */
  private async existing(repo: string, name: string, digest: string): Promise<PushResult | undefined> {
    const indexed = await this.getManifest(repo, contentTag(digest));
    const version = indexed?.manifest.annotations?.[Annotation.version];
    if (!indexed || !version) return undefined;
    const tagged = await this.headManifest(repo, version);
    if (tagged === undefined) {
      // A push died between the content tag and the version tag: finish it.
      await this.putManifest(repo, version, indexed.raw, MediaType.manifest);
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
    const total = listed.reduce((sum, file) => sum + file.size, 0) + evidence.files.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    const progress = (bytes: number): void => this.options.progress?.('push', done + bytes, total);
    for (const file of listed) {
      const known = digests.get(file.path);
      if (known) await this.pushKnown(repo, { ...file, digest: known }, progress);
      else digests.set(file.path, await this.pushStreamed(repo, file, progress));
      done += file.size;
    }
    for (const file of evidence.files) {
      await this.pushKnown(repo, file, progress);
      done += file.size;
    }
    this.options.progress?.('push', total, total);
    const files = modelFiles();
    const model = { files, digest: contentDigest(files) };
    if (streamed) {
      const found = await this.existing(repo, request.name, model.digest);
      if (found) return found;
    }
    const tagForContent = contentTag(model.digest);

    const metadata = metadataRecord(request.metadata);
    const layers: Descriptor[] = [
      ...model.files.map((file) => ({ mediaType: layerMediaType(file.path), digest: file.digest, size: file.size, annotations: { [Annotation.filepath]: file.path } })),
      ...evidence.files.map((file) => ({ mediaType: MediaType.evidence, digest: file.digest, size: file.size, annotations: evidenceAnnotations(file) })),
    ];
    const createdAt = new Date().toISOString();

    let version = ((await this.versionTags(repo)).at(-1) ?? 0) + 1;
    for (let attempt = 0; attempt < 10; attempt++, version++) {
      const config = Buffer.from(JSON.stringify({
        descriptor: { name: request.name, version: String(version), createdAt },
        config: {},
        modelfs: { type: 'layers', diffIds: model.files.map((file) => file.digest) },
      }));
      const configDescriptor = { ...(await this.pushBuffer(repo, config)), mediaType: MediaType.modelConfig };
      const manifest: Manifest = {
        schemaVersion: 2,
        mediaType: MediaType.manifest,
        artifactType: MediaType.modelArtifact,
        config: configDescriptor,
        layers,
        annotations: {
          [Annotation.created]: createdAt,
          [Annotation.name]: request.name,
          [Annotation.version]: String(version),
          [Annotation.digest]: model.digest,
          ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`${Annotation.metadataPrefix}${key}`, value])),
        },
      };
      const raw = Buffer.from(JSON.stringify(manifest));
      const digest = sha256(raw);
      // Manifest by digest first: invisible until tagged. Then the content index, then the version tag.
      await this.putManifest(repo, digest, raw, MediaType.manifest);
      if ((await this.headManifest(repo, String(version))) !== undefined) continue;
      await this.putManifest(repo, tagForContent, raw, MediaType.manifest);
      await this.putManifest(repo, String(version), raw, MediaType.manifest);
      // Read back: another writer may have tagged the same number in the window.
      if ((await this.headManifest(repo, String(version))) === digest) {
        return { name: request.name, version: String(version), digest: model.digest, uri: this.versionUri(request.name, String(version), digest), created: true };
      }
    }
    throw environmentError(`Could not pick a version number for ${repo}: other pushes kept taking them.`, { code: 'registry-conflict', hint: 'Serialize pushes of one model with CI concurrency (GitHub concurrency:, GitLab resource_group).' });
  }

  private async versionOf(repo: string, fetched: FetchedManifest): Promise<string | undefined> {
    void repo;
    return fetched.manifest.annotations?.[Annotation.version];
  }

  async list(name: string): Promise<VersionSummary[]> {
    const repo = this.repo(name);
    const tags = await this.tags(repo);
    const versions = tags.filter((tag) => normalizeVersion(tag) === tag).map(Number).sort((a, b) => a - b).map(String);
    const aliases = new Map<string, string[]>();
    for (const tag of tags.filter((tag) => !isReservedTag(tag)).sort()) {
      const fetched = await this.getManifest(repo, tag);
      const version = fetched && (await this.versionOf(repo, fetched));
      if (version) aliases.set(version, [...(aliases.get(version) ?? []), tag]);
    }
    const out: VersionSummary[] = [];
    for (const version of versions) {
      const fetched = await this.getManifest(repo, version);
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
    const fetched = await this.getManifest(repo, version ?? versionOrAlias);
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
    const files: ModelFile[] = [];
    const evidence: EvidenceEntry[] = [];
    for (const layer of fetched.manifest.layers) {
      const path = layer.annotations?.[Annotation.filepath] ?? layer.digest;
      if (layer.mediaType === MediaType.evidence) {
        const entry: EvidenceEntry = { path: path.replace(/^evidence\//, ''), digest: layer.digest, size: layer.size };
        const step = layer.annotations?.['org.modelci.evidence.step'];
        const status = layer.annotations?.['org.modelci.evidence.status'];
        if (step) entry.step = step;
        if (status) entry.status = status;
        evidence.push(entry);
      } else {
        files.push({ path, digest: layer.digest, size: layer.size });
      }
    }
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(annotations)) if (key.startsWith(Annotation.metadataPrefix)) metadata[key.slice(Annotation.metadataPrefix.length)] = value;
    const aliases: string[] = [];
    for (const tag of (await this.tags(repo)).filter((tag) => !isReservedTag(tag)).sort()) {
      if ((await this.headManifest(repo, tag)) === fetched.digest) aliases.push(tag);
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

  private async openBlob(repo: string, digest: string): Promise<HttpResponse> {
    const what = `download blob ${digest} from ${repo}`;
    let response = await this.client.request({ method: 'GET', url: this.client.url(`v2/${repo}/blobs/${digest}`), what });
    // Storage backends (S3, GCS) redirect to a signed URL that must not get our credentials.
    for (let hops = 0; [301, 302, 303, 307, 308].includes(response.status) && hops < 5; hops++) {
      const location = String(response.headers.location);
      await response.drain();
      response = await send({ method: 'GET', url: new URL(location, this.client.base).toString(), what }, { signal: this.options.signal });
    }
    if (response.status !== 200) return this.client.fail(response, what);
    return response;
  }

  async pull(name: string, versionOrAlias: string, dest: string): Promise<PullResult> {
    const { repo, version, fetched } = await this.resolve(name, versionOrAlias);
    const files = fetched.manifest.layers
      .filter((layer) => layer.mediaType !== MediaType.evidence)
      .map((layer) => ({ path: layer.annotations?.[Annotation.filepath] ?? '', digest: layer.digest, size: layer.size }));
    for (const file of files) checkRelativePath(file.path);
    const stage = await stagePull(dest);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    try {
      for (const file of files) {
        const target = join(stage.dir, ...file.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        const copied = await downloadBlob({
          client: this.client,
          url: this.client.url(`v2/${repo}/blobs/${file.digest}`),
          what: `download blob ${file.digest} from ${repo}`,
          raw: file.size >= RAW_MIN && !proxyInUse(),
          pooled: () => this.openBlob(repo, file.digest),
          onBytes: (bytes) => this.options.progress?.('pull', done + bytes, total),
          signal: this.options.signal,
        }, target);
        const actual = copied.digest;
        if (actual !== file.digest || copied.bytes !== file.size) throw digestMismatch(`'${file.path}' of ${name} version ${version}`, file.digest, actual);
        done += file.size;
      }
      await stage.commit();
    } catch (error) {
      await stage.abort();
      throw error;
    }
    return { name, version, digest: fetched.manifest.annotations?.[Annotation.digest] ?? fetched.digest, dest, files };
  }

  async getAlias(name: string, alias: string): Promise<string | undefined> {
    const repo = this.repo(name);
    checkAlias(alias);
    const fetched = await this.getManifest(repo, alias);
    return fetched?.manifest.annotations?.[Annotation.version];
  }

  private async readHistory(repo: string, alias: string): Promise<AliasEvent[]> {
    const fetched = await this.getManifest(repo, `history-${alias}`);
    const layer = fetched?.manifest.layers[0];
    if (!layer) return [];
    const response = await this.openBlob(repo, layer.digest);
    const text = await response.text();
    if (sha256(text) !== layer.digest) throw digestMismatch(`history of alias ${alias} in ${repo}`, layer.digest, sha256(text));
    return JSON.parse(text) as AliasEvent[];
  }

  private async writeHistory(repo: string, alias: string, events: AliasEvent[]): Promise<void> {
    const layer = { ...(await this.pushBuffer(repo, Buffer.from(JSON.stringify(events)))), mediaType: MediaType.aliasHistory };
    await this.pushBuffer(repo, Buffer.from('{}'));
    const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.manifest, artifactType: MediaType.aliasHistory, config: EMPTY, layers: [layer], annotations: { [Annotation.created]: new Date().toISOString() } };
    await this.putManifest(repo, `history-${alias}`, Buffer.from(JSON.stringify(manifest)), MediaType.manifest);
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
    await this.putManifest(repo, request.alias, target.fetched.raw, MediaType.manifest);
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

  async history(name: string, alias?: string): Promise<AliasEvent[]> {
    const repo = this.repo(name);
    const aliases = alias ? [alias] : (await this.tags(repo)).filter((tag) => tag.startsWith('history-')).map((tag) => tag.slice('history-'.length));
    const events: AliasEvent[] = [];
    for (const each of aliases) events.push(...(await this.readHistory(repo, each)));
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }
}

function contentTag(digest: string): string {
  return `content-sha256-${digest.slice('sha256:'.length)}`;
}

function changedWhilePushing(path: string): Error {
  return usageError(`File '${path}' changed while it was being pushed.`, { code: 'registry-file-changed', hint: 'Push after the step that writes the model has finished.' });
}

/**
 * Hashes the bytes of one upload as they stream out, across chunks. `stream(start, reset)`
 * makes the pass-through for the chunk starting at `start`; a resent first chunk (after an auth
 * challenge) resets the hash so it always covers exactly what the registry received.
 */
function hashTap(onBytes: (bytes: number) => void): { stream(start: number, reset: boolean): Transform; digest(): string } {
  let hash = createHash('sha256');
  return {
    stream(start, reset) {
      if (reset) hash = createHash('sha256');
      let sent = 0;
      return new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          sent += chunk.length;
          onBytes(start + sent);
          callback(null, chunk);
        },
      });
    },
    digest: () => `sha256:${hash.digest('hex')}`,
  };
}

function evidenceAnnotations(file: EvidenceEntry): Record<string, string> {
  return {
    [Annotation.filepath]: `evidence/${file.path}`,
    ...(file.step ? { 'org.modelci.evidence.step': file.step } : {}),
    ...(file.status ? { 'org.modelci.evidence.status': file.status } : {}),
  };
}
