import { open, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rejectedError } from '../../errors.js';
import type { HttpResponse } from '../../http/client.js';
import { HashedWriter } from '../../http/hashed-writer.js';

/** What the job's collector writes last, so a half-uploaded result is never taken as whole. */
export interface ResultsManifest {
  files: { path: string; sha256: string; bytes: number }[];
}

/** Where one submission's results are: `manifest.json` and `files/<path>` under its root. */
export interface ResultsSource {
  /** The root as people read it, e.g. `s3://bucket/prefix/<submission id>`. */
  shown: string;
  /** A key under the root; undefined when it is not there. */
  get(key: string): Promise<HttpResponse | undefined>;
  /** What the job needs when it succeeded without a manifest. */
  missingHint: string;
}

function insideWorkdir(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '');
}

/**
 * Downloads the results the job uploaded (its manifest, then each file, checked against the
 * manifest's sha256) into `workdir`, each written to a temp file and renamed. A job that succeeded
 * without a manifest did not follow the contract: the step says no.
 */
export async function downloadResults(source: ResultsSource, workdir: string): Promise<ResultsManifest> {
  const response = await source.get('manifest.json');
  if (!response) {
    throw rejectedError(`The Ray job succeeded but wrote no results to ${source.shown}/ (no manifest.json).`, { code: 'ray-results-missing', hint: source.missingHint });
  }
  const manifest = await response.json<ResultsManifest>();
  for (const file of manifest.files) {
    if (!insideWorkdir(file.path)) throw rejectedError(`The job's results name '${file.path}', outside the working directory.`, { code: 'ray-results-invalid' });
    const body = await source.get(`files/${file.path}`);
    if (!body) throw rejectedError(`The job's results list '${file.path}' but it is not in ${source.shown}.`, { code: 'ray-results-invalid' });
    const target = join(workdir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    const handle = await open(partial, 'w');
    try {
      const writer = new HashedWriter(handle.fd);
      for await (const chunk of body.stream) await writer.write(chunk as Buffer);
      const { digest, bytes } = await writer.finish();
      if (digest !== `sha256:${file.sha256}` || bytes !== file.bytes) throw rejectedError(`The result '${file.path}' read back from ${source.shown} differs from what the job uploaded (sha256 or size).`, { code: 'ray-results-invalid' });
    } catch (error) {
      await handle.close();
      await rm(partial, { force: true });
      throw error;
    }
    await handle.close();
    await rename(partial, target);
  }
  return manifest;
}
