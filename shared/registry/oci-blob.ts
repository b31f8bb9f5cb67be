import { open } from 'node:fs/promises';
import { environmentError } from '../errors.js';
import { HashedWriter } from '../http/hashed-writer.js';
import type { HttpResponse } from './http.js';
import type { OciClient } from './oci-client.js';
import { rawGet, RawGetError, type BodySink } from '../http/raw-get.js';
import { backoffMs, DEFAULT_RETRY } from '../http/retry-policy.js';
import { sleep } from '../http/sleep.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const ATTEMPTS = 3;

export interface BlobDownload {
  client: OciClient;
  /** The blob's URL on the registry. */
  url: string;
  /** For errors: "download blob sha256:… from team/churn". */
  what: string;
  /** Read on a connection of its own (large blobs); else, or when that path cannot, through `pooled`. */
  raw: boolean;
  /** The same blob through the pooled HTTP client, which follows redirects, answers challenges and reports the registry's errors. */
  pooled(): Promise<HttpResponse>;
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  /** Tests only: silence on a raw connection before it counts as a timeout. */
  idleMs?: number;
}

/**
 * Streams a blob into a new file at `target` (which must not exist), hashing every byte on the
 * way; the caller compares the digest. A connection lost mid-body restarts the blob from zero.
 */
export async function downloadBlob(download: BlobDownload, target: string): Promise<{ digest: string; bytes: number }> {
  const file = await open(target, 'wx');
  let writer: HashedWriter | undefined;
  // Every write must land before the file is truncated for another attempt, and before the fd closes.
  const settle = async (): Promise<void> => {
    await writer?.finish().catch(() => undefined);
  };
  // Only a file that has bytes is truncated: ext4 flushes a file truncated to zero to disk on close
  // (auto_da_alloc), which cost a GiB pull a third of a second.
  const fresh = async (): Promise<HashedWriter> => {
    await settle();
    if ((await file.stat()).size > 0) await file.truncate(0);
    return (writer = new HashedWriter(file.fd, download.onBytes));
  };
  try {
    for (let attempt = 1; download.raw; attempt++) {
      const current = await fresh();
      try {
        if (await viaRaw(download, (chunk) => current.write(chunk))) return await current.finish();
        break;
      } catch (error) {
        if (!(error instanceof RawGetError)) throw error;
        // Nothing answered: let the pooled client retry and report it as it does for every request.
        if (!error.afterHead) break;
        if (attempt >= ATTEMPTS || download.signal?.aborted) throw interrupted(download.what, error);
        await sleep(backoffMs(attempt, DEFAULT_RETRY), download.signal);
      }
    }
    const response = await download.pooled();
    const current = await fresh();
    for await (const chunk of response.stream) await current.write(chunk as Buffer);
    return await current.finish();
  } finally {
    await settle();
    await file.close();
  }
}

/** True when the body went into `write`; false when the answer is for the pooled client (not 200, or not framed by Content-Length). */
async function viaRaw(download: BlobDownload, write: BodySink): Promise<boolean> {
  let url = download.url;
  let challenged = false;
  for (let hops = 0; hops <= MAX_REDIRECTS; ) {
    const { head, taken } = await rawGet(url, {
      // Credentials go to the registry only: a redirect to storage (S3, GCS) carries its own signature.
      headers: download.client.authorizationFor(url),
      accept: (answer) => (answer.status === 200 ? write : undefined),
      signal: download.signal,
      idleMs: download.idleMs,
    });
    if (taken) return true;
    const location = head.headers.location;
    if (REDIRECTS.has(head.status) && location) {
      url = new URL(location, url).toString();
      hops++;
    } else if (head.status === 401 && !challenged && new URL(url).origin === new URL(download.client.base).origin) {
      challenged = true;
      await download.client.answer(head.headers['www-authenticate'] ?? '', download.what);
    } else {
      return false;
    }
  }
  return false;
}

function interrupted(what: string, error: RawGetError): Error {
  return environmentError(`Could not ${what}: ${error.message} (tried ${ATTEMPTS} times).`, {
    code: error.code === 'ETIMEDOUT' ? 'registry-timeout' : 'registry-unreachable',
    hint: 'The registry or its storage dropped the transfer; check the network and the registry, then pull again. Nothing was written.',
    cause: error,
  });
}
