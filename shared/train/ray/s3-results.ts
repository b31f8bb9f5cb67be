import { environmentError } from '../../errors.js';
import { send, type HttpResponse } from '../../http/client.js';
import type { ResultsSource } from './results.js';
import { objectUrl, signV4, type S3Credentials, type S3Location } from './s3.js';

const S3_UNREACHABLE_HINT = 'Check results-endpoint (or the AWS region) and that the bucket is reachable from this job; the request was retried.';

/** The key prefix of one submission's results: `<prefix>/<submission id>`. */
export function s3ResultsPrefix(location: S3Location, submissionId: string): string {
  return location.prefix ? `${location.prefix}/${submissionId}` : submissionId;
}

/** One submission's results under an S3 prefix, read with signed GETs of single objects. */
export function s3ResultsSource(location: S3Location, credentials: S3Credentials, submissionId: string, endpoint: string | undefined, signal: AbortSignal | undefined): ResultsSource {
  const prefix = s3ResultsPrefix(location, submissionId);
  return {
    shown: `s3://${location.bucket}/${prefix}`,
    missingHint: "The job's collector uploads the outputs and metrics files after the command: check that the cluster has boto3 and write access to the bucket (see docs/train.md, the job's contract).",
    async get(name: string): Promise<HttpResponse | undefined> {
      const key = `${prefix}/${name}`;
      const url = objectUrl(location, key, credentials.region, endpoint);
      const response = await send(
        { method: 'GET', url: url.toString(), headers: signV4('GET', url, credentials), what: `read s3://${location.bucket}/${key}` },
        { unreachable: { code: 'ray-results-unreachable', hint: S3_UNREACHABLE_HINT }, ...(signal ? { signal } : {}), credentialHeaders: ['x-amz-security-token'] },
      );
      if (response.status === 404) {
        await response.drain();
        return undefined;
      }
      if (response.status !== 200) {
        const body = (await response.text().catch(() => '')).slice(0, 300);
        const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
        throw environmentError(`Could not read s3://${location.bucket}/${key} (HTTP ${response.status}${code ? `: ${code}` : ''}).`, {
          code: 'ray-results-refused',
          hint: 'The AWS credentials of this job need s3:GetObject on the results-uri prefix.',
        });
      }
      return response;
    },
  };
}
