import { environmentError, usageError } from '../../errors.js';
import { send, type HttpResponse } from '../../http/client.js';
import { isLoopback } from '../../http/error-text.js';
import { mlflowArtifactUrl, mlflowAuthorization } from '../../registry/mlflow-http.js';
import type { ResultsSource } from './results.js';

/** Where in the server's artifact store the job puts one submission's results. */
export function mlflowResultsPath(submissionId: string): string {
  return `modelci/ray-results/${submissionId}`;
}

/**
 * `mlflow+http(s)://host[:port][/path]`: the MLflow server (the registry's) whose proxied artifact
 * store takes the results. Judged before any connection, as ray-address is: the results and the
 * MLflow credentials would travel unencrypted over plain HTTP to another machine.
 */
export function parseMlflowResultsUri(uri: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(uri.slice('mlflow+'.length));
  } catch {
    throw usageError(`results-uri '${uri}' is not mlflow+http(s)://host.`, { code: 'ray-results-uri-invalid', hint: 'Write e.g. mlflow+https://mlflow.example.com, the registry the model goes to.' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw usageError(`results-uri '${uri}' must be mlflow+http(s)://host[:port][/path], without credentials, query or fragment.`, { code: 'ray-results-uri-invalid', hint: 'Credentials come from MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).' });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecure) {
    throw usageError(`results-uri '${url.origin}' is plain HTTP to another machine: the results and the MLflow credentials would travel unencrypted.`, { code: 'ray-insecure-address', hint: 'Use https://, or set ray-allow-insecure: true for a private network you trust.' });
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** One submission's results in an MLflow server's proxied artifact store. */
export function mlflowResultsSource(base: string, submissionId: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): ResultsSource {
  const root = mlflowResultsPath(submissionId);
  const authorization = mlflowAuthorization(env);
  return {
    shown: `mlflow+${base} ${root}`,
    missingHint: "The job's collector uploads the outputs and metrics files after the command: check that the cluster reaches the MLflow server and has its own MLFLOW_TRACKING_TOKEN (see docs/train.md, the job's contract).",
    async get(name: string): Promise<HttpResponse | undefined> {
      const what = `read ${root}/${name} from the MLflow artifact store`;
      const response = await send(
        { method: 'GET', url: mlflowArtifactUrl(base, `${root}/${name}`), what, headers: authorization ? { authorization } : {} },
        { unreachable: { code: 'ray-results-unreachable', hint: 'Check results-uri and that the MLflow server is reachable from this job; the request was retried.' }, ...(signal ? { signal } : {}) },
      );
      if (response.status === 404) {
        await response.drain();
        return undefined;
      }
      if (response.status !== 200) {
        const body = (await response.text().catch(() => '')).slice(0, 300);
        throw environmentError(`Could not ${what} (HTTP ${response.status}${body ? `: ${body}` : ''}).`, {
          code: 'ray-results-refused',
          hint: 'Set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) to credentials that may read the artifact store.',
        });
      }
      return response;
    },
  };
}
