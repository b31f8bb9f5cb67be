import { createHash } from 'node:crypto';
import { environmentError } from '../errors.js';
import { digestMismatch } from './model-files.js';
import type { HttpResponse } from './http.js';
import type { OciClient } from './oci-client.js';

// OCI image-spec 1.1 media types the distribution protocol itself deals in.
export const OciMediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The OCI empty descriptor (`{}`), the config of artifacts that have none. */
export const EMPTY_DESCRIPTOR = { mediaType: OciMediaType.empty, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };
const ACCEPT = [OciMediaType.manifest, OciMediaType.index, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');
const MAX_REDIRECTS = 5;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  manifest: Manifest;
  raw: Buffer;
  digest: string;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * The OCI distribution protocol for any repository of one registry: manifests by tag or digest
 * (verified against their digest), blob existence, upload sessions, blob reads, paged tag lists.
 * Knows nothing of what the artifacts mean.
 */
export class OciDistribution {
  constructor(readonly client: OciClient) {}

  blobUrl(repo: string, digest: string): string {
    return this.client.url(`v2/${repo}/blobs/${digest}`);
  }

  async getManifest(repo: string, reference: string): Promise<FetchedManifest | undefined> {
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

  async headManifest(repo: string, reference: string): Promise<string | undefined> {
    const what = `check manifest ${repo}:${reference}`;
    const response = await this.client.request({ method: 'HEAD', url: this.client.url(`v2/${repo}/manifests/${reference}`), headers: { accept: ACCEPT }, what });
    await response.drain();
    if (response.status === 404) return undefined;
    if (response.status !== 200) return this.client.fail(response, what);
    const digest = response.headers['docker-content-digest'];
    if (typeof digest === 'string') return digest;
    return (await this.getManifest(repo, reference))?.digest;
  }

  async putManifest(repo: string, reference: string, raw: Buffer, mediaType: string = OciMediaType.manifest): Promise<void> {
    const what = `push manifest ${repo}:${reference}`;
    const response = await this.client.request({ method: 'PUT', url: this.client.url(`v2/${repo}/manifests/${reference}`), headers: { 'content-type': mediaType }, body: raw, what });
    if (response.status !== 201 && response.status !== 200) return this.client.fail(response, what);
    await response.drain();
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const what = `check blob ${digest} in ${repo}`;
    const response = await this.client.request({ method: 'HEAD', url: this.blobUrl(repo, digest), what });
    await response.drain();
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    return this.client.fail(response, what);
  }

  /** Opens an upload session; the URL to PATCH or PUT to. */
  async startUpload(repo: string, what: string): Promise<string> {
    const response = await this.client.request({ method: 'POST', url: this.client.url(`v2/${repo}/blobs/uploads/`), what });
    if (response.status !== 202) return this.client.fail(response, what);
    await response.drain();
    return this.location(response, what);
  }

  location(response: HttpResponse, what: string): string {
    const location = response.headers.location;
    if (typeof location !== 'string') throw environmentError(`Could not ${what}: the registry sent no upload Location.`, { code: 'registry-error' });
    return new URL(location, this.client.base).toString();
  }

  /** A small blob from memory, skipped when the repository has it already. */
  async pushBuffer(repo: string, data: Buffer): Promise<Descriptor> {
    const digest = sha256(data);
    if (!(await this.blobExists(repo, digest))) {
      const what = `upload blob ${digest} to ${repo}`;
      const location = await this.startUpload(repo, what);
      const response = await this.client.request({ method: 'PUT', url: withDigest(location, digest), headers: { 'content-type': 'application/octet-stream' }, body: data, what });
      if (response.status !== 201) return this.client.fail(response, what);
      await response.drain();
    }
    return { mediaType: 'application/octet-stream', digest, size: data.length };
  }

  /** A blob's body. Storage backends (S3, GCS) redirect to a signed URL, which gets no credentials of ours. */
  async openBlob(repo: string, digest: string): Promise<HttpResponse> {
    const what = `download blob ${digest} from ${repo}`;
    const response = await this.client.request({ method: 'GET', url: this.blobUrl(repo, digest), what }, { redirects: MAX_REDIRECTS });
    if (response.status !== 200) return this.client.fail(response, what);
    return response;
  }

  async tags(repo: string): Promise<string[]> {
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
}

/** The upload URL with `?digest=` set, which closes an upload session. */
export function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}
