import { open, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { environmentError, rejectedError } from '../../errors.js';
import { send, type HttpResponse } from '../../http/client.js';
import { HashedWriter } from '../../http/hashed-writer.js';
import { objectUrl, signV4, type S3Credentials, type S3Location } from './s3.js';

/** What the job's collector writes last, so a half-uploaded result is never taken as whole. */
export interface ResultsManifest {
  files: { path: string; sha256: string; bytes: number }[];
}

export interface ResultsStore {
  location: S3Location;
  credentials: S3Credentials;
  endpoint?: string;
  signal?: AbortSignal;
}

const S3_UNREACHABLE_HINT = 'Check results-endpoint (or the AWS region) and that the bucket is reachable from this job; the request was retried.';

/** The key prefix of one submission's results: `<prefix>/<submission id>`. */
export function resultsPrefix(location: S3Location, submissionId: string): string {
  return location.prefix ? `${location.prefix}/${submissionId}` : submissionId;
}

async function get(store: ResultsStore, key: string): Promise<HttpResponse | undefined> {
  const url = objectUrl(store.location, key, store.credentials.region, store.endpoint);
  const response = await send(
    { method: 'GET', url: url.toString(), headers: signV4('GET', url, store.credentials), what: `read s3://${store.location.bucket}/${key}` },
    { unreachable: { code: 'ray-results-unreachable', hint: S3_UNREACHABLE_HINT }, ...(store.signal ? { signal: store.signal } : {}), credentialHeaders: ['x-amz-security-token'] },
  );
  if (response.status === 404) {
    await response.drain();
    return undefined;
  }
  if (response.status !== 200) {
    const body = (await response.text().catch(() => '')).slice(0, 300);
    const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
    throw environmentError(`Could not read s3://${store.location.bucket}/${key} (HTTP ${response.status}${code ? `: ${code}` : ''}).`, {
      code: 'ray-results-refused',
      hint: 'The AWS credentials of this job need s3:GetObject on the results-uri prefix.',
    });
  }
  return response;
}

function insideWorkdir(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '');
}

/**
 * Downloads the results the job uploaded (its manifest, then each file, checked against the
 * manifest's sha256) into `workdir`, each written to a temp file and renamed. A job that succeeded
 * without a manifest did not follow the contract: the step says no.
 */
export async function downloadResults(store: ResultsStore, submissionId: string, workdir: string): Promise<ResultsManifest> {
  const prefix = resultsPrefix(store.location, submissionId);
  const response = await get(store, `${prefix}/manifest.json`);
  if (!response) {
    throw rejectedError(`The Ray job succeeded but wrote no results to s3://${store.location.bucket}/${prefix}/ (no manifest.json).`, {
      code: 'ray-results-missing',
      hint: "The job's collector uploads the outputs and metrics files after the command: check that the cluster has boto3 and write access to the bucket (see docs/train.md, the job's contract).",
    });
  }
  const manifest = await response.json<ResultsManifest>();
  for (const file of manifest.files) {
    if (!insideWorkdir(file.path)) throw rejectedError(`The job's results name '${file.path}', outside the working directory.`, { code: 'ray-results-invalid' });
    const body = await get(store, `${prefix}/files/${file.path}`);
    if (!body) throw rejectedError(`The job's results list '${file.path}' but it is not in the bucket.`, { code: 'ray-results-invalid' });
    const target = join(workdir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    const handle = await open(partial, 'w');
    try {
      const writer = new HashedWriter(handle.fd);
      for await (const chunk of body.stream) await writer.write(chunk as Buffer);
      const { digest, bytes } = await writer.finish();
      if (digest !== `sha256:${file.sha256}` || bytes !== file.bytes) throw rejectedError(`The result '${file.path}' read back from the bucket differs from what the job uploaded (sha256 or size).`, { code: 'ray-results-invalid' });
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
