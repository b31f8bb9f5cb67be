import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { usageError } from '../errors.js';
import type { ListedFile, ScannedFile } from './model-files.js';
import { withDigest, type OciDistribution } from './oci-distribution.js';

const ATTEMPTS = 3;

/**
 * Uploads files as blobs of one repository. Each upload restarts with a fresh session when it
 * fails (a session cannot be resumed portably), so the HTTP client sends every piece only once.
 */
export class OciUploader {
  constructor(
    private readonly distribution: OciDistribution,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * A file whose digest is known: skipped when the repository has it, else one monolithic PUT.
   * The bytes are hashed as they leave, so a file changed since it was hashed is caught.
   */
  async pushKnown(repo: string, file: ScannedFile, onBytes: (bytes: number) => void): Promise<void> {
    const { distribution } = this;
    if (await distribution.blobExists(repo, file.digest)) {
      onBytes(file.size);
      return;
    }
    const what = `upload ${file.path} (${file.digest}) to ${repo}`;
    await this.withRetries(async () => {
      const location = await distribution.startUpload(repo, what);
      const tap = hashTap(onBytes);
      const response = await distribution.client.request({
        method: 'PUT',
        url: withDigest(location, file.digest),
        headers: { 'content-type': 'application/octet-stream' },
        body: () => createReadStream(file.absolute, { highWaterMark: 1 << 20 }).pipe(tap.stream(0, true)),
        length: file.size,
        what,
      }, { attempts: 1 });
      if (response.status !== 201) return distribution.client.fail(response, what);
      await response.drain();
      if (tap.digest() !== file.digest) throw changedWhilePushing(file.path);
    });
  }

  /**
   * A large file in one pass: PATCH chunks in order (Content-Range), hashing as they leave, then
   * the closing PUT names the digest and the registry checks it. Reading the file only once is
   * what keeps a multi-GB push near the speed of a plain upload.
   */
  async pushStreamed(repo: string, file: ListedFile, chunkSize: number, onBytes: (bytes: number) => void): Promise<string> {
    const { distribution } = this;
    const what = `upload ${file.path} to ${repo}`;
    return this.withRetries(async () => {
      let location = await distribution.startUpload(repo, what);
      const tap = hashTap(onBytes);
      for (let start = 0; start < file.size; start += chunkSize) {
        const end = Math.min(start + chunkSize, file.size) - 1;
        const response = await distribution.client.request({
          method: 'PATCH',
          url: location,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}` },
          body: () => createReadStream(file.absolute, { start, end, highWaterMark: 1 << 20 }).pipe(tap.stream(start, start === 0)),
          length: end - start + 1,
          what,
        }, { attempts: 1 });
        if (response.status !== 202) return distribution.client.fail(response, what);
        await response.drain();
        location = distribution.location(response, what);
      }
      const digest = tap.digest();
      const response = await distribution.client.request({ method: 'PUT', url: withDigest(location, digest), what }, { attempts: 1 });
      if (response.status !== 201) return distribution.client.fail(response, what);
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
        if (attempt >= ATTEMPTS || (error as { kind?: string }).kind === 'usage' || this.signal?.aborted) throw error;
      }
    }
  }
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
