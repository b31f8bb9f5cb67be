import { mlflowResultsPath, mlflowResultsSource, parseMlflowResultsUri } from './mlflow-results.js';
import type { ResultsSource } from './results.js';
import { s3ResultsPrefix, s3ResultsSource } from './s3-results.js';
import { parseS3Uri, s3Credentials } from './s3.js';

export interface ResultsInputs {
  resultsUri?: string | undefined;
  resultsEndpoint?: string | undefined;
  rayAllowInsecure: boolean;
}

/** Where the job's results go and come back from, and what the job's collector is told of it. */
export interface ResultsStore {
  source: ResultsSource;
  /** The collector's environment (shown in job info: no secrets). */
  collectorEnv: Record<string, string>;
}

const isMlflow = (uri: string) => uri.startsWith('mlflow+');

/** Judges results-uri (and, for S3, that the AWS variables are there) before any connection. */
export function checkResultsUri(input: ResultsInputs, env: NodeJS.ProcessEnv): void {
  if (!input.resultsUri) return;
  if (isMlflow(input.resultsUri)) parseMlflowResultsUri(input.resultsUri, input.rayAllowInsecure);
  else {
    parseS3Uri(input.resultsUri);
    s3Credentials(env);
  }
}

/** The results store of one submission; undefined without results-uri. `mask` hides the secrets it reads. */
export function openResultsStore(input: ResultsInputs, env: NodeJS.ProcessEnv, submissionId: string, signal: AbortSignal, mask: (secret: string) => void): ResultsStore | undefined {
  const uri = input.resultsUri;
  if (!uri) return undefined;
  if (isMlflow(uri)) {
    const base = parseMlflowResultsUri(uri, input.rayAllowInsecure);
    for (const name of ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_PASSWORD'] as const) if (env[name]) mask(env[name]);
    return { source: mlflowResultsSource(base, submissionId, env, signal), collectorEnv: { MODELCI_RESULTS_URI: `mlflow+${base}`, MODELCI_RESULTS_PATH: mlflowResultsPath(submissionId) } };
  }
  const location = parseS3Uri(uri);
  const credentials = s3Credentials(env);
  mask(credentials.secretAccessKey);
  if (credentials.sessionToken) mask(credentials.sessionToken);
  return {
    source: s3ResultsSource(location, credentials, submissionId, input.resultsEndpoint, signal),
    collectorEnv: { MODELCI_RESULTS_URI: `s3://${location.bucket}/${s3ResultsPrefix(location, submissionId)}`, ...(input.resultsEndpoint ? { MODELCI_RESULTS_ENDPOINT: input.resultsEndpoint } : {}) },
  };
}
