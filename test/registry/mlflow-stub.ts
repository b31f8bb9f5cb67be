import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for `mlflow server --serve-artifacts` that answers the REST 2.0 calls of the
 * push and alias paths as MLflow 3 does (bodies, status codes and error codes were checked against
 * a real server), and can do what a real server will not on demand: keep a version pending, fail
 * its registration, or require credentials the way MLflow's auth app does.
 */
export interface MlflowStub {
  /** `mlflow+http://127.0.0.1:PORT` */
  uri: string;
  /** Statuses that `model-versions/get` reports for each new version, in turn; the last repeats. */
  registration: string[];
  statusMessage: string;
  /** When set, every request must carry exactly this Authorization header. */
  authorization: string | undefined;
  requests: StubRequest[];
  /** Bytes received per artifact path. */
  artifacts: Map<string, Buffer>;
  stop(): Promise<void>;
}

export interface StubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

interface Version {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  status: string;
  status_message?: string;
  tags: { key: string; value: string }[];
  run_link: string;
  /** Statuses still to report; the last one stays. */
  pending: string[];
}

interface Model {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  versions: Version[];
  aliases: Map<string, string>;
  tags: Map<string, string>;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const missing = (what: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', what);
const invalid = (what: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', what);

function required(params: Record<string, unknown>, ...names: string[]): void {
  for (const name of names) if (params[name] === undefined || params[name] === '') throw invalid(`Missing value for required parameter '${name}'.`);
}

function publicVersion(version: Version, aliases?: Map<string, string>): Record<string, unknown> {
  const { pending: _pending, ...rest } = version;
  const names = aliases ? [...aliases].filter(([, to]) => to === version.version).map(([alias]) => alias) : [];
  return { ...rest, ...(names.length ? { aliases: names } : {}) };
}

export async function startMlflowStub(): Promise<MlflowStub> {
  const experiments = new Map<string, string>();
  const runs = new Map<string, Record<string, unknown>>();
  const models = new Map<string, Model>();

  const model = (name: unknown): Model => {
    const found = models.get(String(name));
    if (!found) throw missing(`Registered Model with name=${String(name)} not found`);
    return found;
  };

  const api = (stub: MlflowStub, method: string, endpoint: string, params: Record<string, unknown>): unknown => {
    const now = Date.now();
    switch (`${method} ${endpoint}`) {
      case 'GET experiments/get-by-name': {
        required(params, 'experiment_name');
        const id = experiments.get(String(params.experiment_name));
        if (!id) throw missing(`Could not find experiment with name '${String(params.experiment_name)}'`);
        return { experiment: { experiment_id: id, name: params.experiment_name, artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active' } };
      }
      case 'POST experiments/create': {
        required(params, 'name');
        if (experiments.has(String(params.name))) throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${String(params.name)}) already exists.`);
        const id = String(experiments.size + 1);
        experiments.set(String(params.name), id);
        return { experiment_id: id };
      }
      case 'POST runs/create': {
        const id = randomUUID().replace(/-/g, '');
        const experiment = String(params.experiment_id ?? '0');
        const info = { run_uuid: id, run_id: id, experiment_id: experiment, run_name: params.run_name, user_id: '', status: 'RUNNING', start_time: params.start_time ?? now, artifact_uri: `mlflow-artifacts:/${experiment}/${id}/artifacts`, lifecycle_stage: 'active' };
        runs.set(id, info);
        return { run: { info, data: { tags: params.tags ?? [] }, inputs: {} } };
      }
      case 'POST runs/update': {
        required(params, 'run_id');
        const info = runs.get(String(params.run_id));
        if (!info) throw missing(`Run with id=${String(params.run_id)} not found`);
        Object.assign(info, params.status ? { status: params.status } : {}, params.end_time ? { end_time: params.end_time } : {});
        return { run_info: info };
      }
      case 'POST registered-models/create': {
        required(params, 'name');
        if (models.has(String(params.name))) throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${String(params.name)}) already exists.`);
        const created: Model = { name: String(params.name), creation_timestamp: now, last_updated_timestamp: now, versions: [], aliases: new Map(), tags: new Map() };
        models.set(created.name, created);
        return { registered_model: { name: created.name, creation_timestamp: now, last_updated_timestamp: now } };
      }
      case 'GET registered-models/get': {
        required(params, 'name');
        const found = model(params.name);
        return {
          registered_model: {
            name: found.name,
            creation_timestamp: found.creation_timestamp,
            last_updated_timestamp: found.last_updated_timestamp,
            ...(found.versions.length ? { latest_versions: [publicVersion(found.versions.at(-1) as Version)] } : {}),
            ...(found.tags.size ? { tags: [...found.tags].map(([key, value]) => ({ key, value })) } : {}),
            ...(found.aliases.size ? { aliases: [...found.aliases].map(([alias, version]) => ({ alias, version })) } : {}),
          },
        };
      }
      case 'POST registered-models/set-tag': {
        required(params, 'name', 'key', 'value');
        model(params.name).tags.set(String(params.key), String(params.value));
        return {};
      }
      case 'POST registered-models/alias': {
        required(params, 'name', 'alias', 'version');
        const found = model(params.name);
        if (!found.versions.some((version) => version.version === String(params.version))) throw missing(`Model Version (name=${found.name}, version=${String(params.version)}) not found`);
        found.aliases.set(String(params.alias), String(params.version));
        return {};
      }
      case 'GET registered-models/alias': {
        required(params, 'name', 'alias');
        const found = model(params.name);
        const to = found.aliases.get(String(params.alias));
        if (!to) throw invalid(`Registered model alias ${String(params.alias)} not found.`);
        return { model_version: publicVersion(found.versions.find((version) => version.version === to) as Version, found.aliases) };
      }
      case 'POST model-versions/create': {
        required(params, 'name', 'source');
        const found = model(params.name);
        const [first = 'READY', ...rest] = stub.registration;
        const version: Version = {
          name: found.name,
          version: String(found.versions.length + 1),
          creation_timestamp: now,
          last_updated_timestamp: now,
          current_stage: 'None',
          description: String(params.description ?? ''),
          source: String(params.source),
          run_id: String(params.run_id ?? ''),
          status: first,
          tags: (params.tags as Version['tags'] | undefined) ?? [],
          run_link: '',
          pending: rest,
        };
        found.versions.push(version);
        found.last_updated_timestamp = now;
        return { model_version: publicVersion(version) };
      }
      case 'GET model-versions/get': {
        required(params, 'name', 'version');
        const found = model(params.name);
        const version = found.versions.find((candidate) => candidate.version === String(params.version));
        if (!version) throw missing(`Model Version (name=${found.name}, version=${String(params.version)}) not found`);
        const next = version.pending.shift();
        if (next) {
          version.status = next;
          if (next === 'FAILED_REGISTRATION') version.status_message = stub.statusMessage;
        }
        return { model_version: publicVersion(version, found.aliases) };
      }
      case 'GET model-versions/search': {
        const match = /^name\s*=\s*'([^']*)'$/.exec(String(params.filter ?? ''));
        if (!match) throw invalid(`Unsupported filter in this stub: ${String(params.filter)}`);
        const versions = models.get(match[1] ?? '')?.versions ?? [];
        // MLflow leaves empty lists out of the JSON.
        return versions.length ? { model_versions: versions.map((version) => publicVersion(version)) } : {};
      }
      default:
        throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No stub for ${method} ${endpoint}`);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const method = req.method ?? 'GET';
      stub.requests.push({ method, path: url.pathname, authorization: req.headers.authorization });
      const reply = (status: number, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      // As MLflow's basic-auth app answers: plain text, no echo of what was sent.
      if (stub.authorization !== undefined && req.headers.authorization !== stub.authorization) {
        reply(401, 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.', { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="mlflow"' });
        return;
      }
      const artifact = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/(.+)$/.exec(url.pathname);
      if (artifact) {
        const path = decodeURIComponent(artifact[1] ?? '');
        if (method === 'PUT') {
          stub.artifacts.set(path, Buffer.concat(chunks));
          reply(200, '');
        } else if (method === 'GET' && stub.artifacts.has(path)) {
          reply(200, stub.artifacts.get(path) as Buffer, { 'content-type': 'application/octet-stream' });
        } else reply(404, JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `File ${path} does not exist` }));
        return;
      }
      const rest = /^\/api\/2\.0\/mlflow\/(.+)$/.exec(url.pathname);
      try {
        if (!rest) throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${url.pathname}`);
        const params: Record<string, unknown> = method === 'GET' ? Object.fromEntries(url.searchParams) : chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        reply(200, JSON.stringify(api(stub, method, rest[1] ?? '', params)));
      } catch (error) {
        if (error instanceof ApiError) reply(error.status, JSON.stringify({ error_code: error.code, message: error.message }));
        else reply(500, JSON.stringify({ error_code: 'INTERNAL_ERROR', message: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stub: MlflowStub = {
    uri: `mlflow+http://127.0.0.1:${port}`,
    registration: ['READY'],
    statusMessage: '',
    authorization: undefined,
    requests: [],
    artifacts: new Map(),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return stub;
}
