import { createHash, createHmac } from 'node:crypto';
import { usageError } from '../../errors.js';

export interface S3Location {
  bucket: string;
  /** Without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) throw usageError(`results-uri '${uri}' is not s3://bucket/prefix.`, { code: 'ray-results-uri-invalid', hint: 'Write e.g. s3://ml-results/churn; use results-endpoint for an S3-compatible server.' });
  return { bucket: match[1] as string, prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/** The usual AWS variables; the secret parts are for the caller to mask. */
export function s3Credentials(env: NodeJS.ProcessEnv): S3Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw usageError('results-uri is set but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not.', {
      code: 'ray-results-credentials',
      hint: 'Give the job read access to the results bucket through the usual AWS variables (from CI secrets or an OIDC role step).',
    });
  }
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}), region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' };
}

/** Path-style against an endpoint (MinIO, moto, Ceph), virtual-host style on AWS itself. */
export function objectUrl(location: S3Location, key: string, region: string, endpoint?: string): URL {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (endpoint) return new URL(`${endpoint.replace(/\/+$/, '')}/${location.bucket}/${path}`);
  return new URL(`https://${location.bucket}.s3.${region}.amazonaws.com/${path}`);
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Headers that sign a bodiless request with AWS Signature Version 4 (the S3 flavour: the payload
 * hash is sent as x-amz-content-sha256). The query string is kept empty: GETs of single objects only.
 */
export function signV4(method: string, url: URL, credentials: S3Credentials, now: Date = new Date()): Record<string, string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = stamp.slice(0, 8);
  const payload = sha256Hex('');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payload, 'x-amz-date': stamp };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [method, url.pathname, '', ...names.map((name) => `${name}:${headers[name]}`), '', names.join(';'), payload].join('\n');
  const scope = `${day}/${credentials.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), credentials.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
