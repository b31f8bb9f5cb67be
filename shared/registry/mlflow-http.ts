/** How an MLflow client authenticates: given values first, then MLflow's own variables. */
export function mlflowAuthorization(env: NodeJS.ProcessEnv, given: { token?: string | undefined; username?: string | undefined; password?: string | undefined } = {}): string | undefined {
  const token = given.token ?? env.MLFLOW_TRACKING_TOKEN;
  const username = given.username ?? env.MLFLOW_TRACKING_USERNAME;
  const password = given.password ?? env.MLFLOW_TRACKING_PASSWORD;
  if (token) return `Bearer ${token}`;
  if (username !== undefined || password !== undefined) return `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  return undefined;
}

/** A path in the server's proxied artifact store (`mlflow server --serve-artifacts`). */
export function mlflowArtifactUrl(base: string, path: string): string {
  return `${base}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
}
