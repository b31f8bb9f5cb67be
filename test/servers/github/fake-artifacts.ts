import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One artifact as the runner's results service holds it after FinalizeArtifact: its name and zip. */
export interface FakeArtifact {
  name: string;
  zip: Buffer;
}

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

/**
 * The artifact service a GitHub runner gives its steps (ACTIONS_RESULTS_URL), as @actions/artifact
 * v2 speaks to it: Twirp CreateArtifact answers a signed blob URL, the zip goes up as Azure block
 * blob blocks (Put Block, Put Block List), FinalizeArtifact answers the artifact id. What a later
 * job's actions/download-artifact gets is that zip, unpacked.
 */
export class FakeArtifactService {
  readonly artifacts: FakeArtifact[] = [];
  private server: http.Server | undefined;
  private readonly blocks = new Map<string, Buffer>();
  private readonly blobs = new Map<string, Buffer>();
  url = '';

  /** ACTIONS_RUNTIME_TOKEN: a JWT whose scp names the run and job backend ids, as the runner's does. */
  readonly runtimeToken = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ scp: 'Actions.GenericRead:1 Actions.Results:run-backend-1:job-backend-1' })).toString('base64url')}.`;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks);
        const answer = (status: number, json?: unknown) => {
          response.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
          response.end(json === undefined ? undefined : JSON.stringify(json));
        };
        if (request.method === 'POST' && url.pathname === `${SERVICE}CreateArtifact`) {
          const { name } = JSON.parse(body.toString('utf8')) as { name: string };
          return answer(200, { ok: true, signedUploadUrl: `${this.url}/blob/${encodeURIComponent(name)}?sig=fake` });
        }
        if (request.method === 'POST' && url.pathname === `${SERVICE}FinalizeArtifact`) {
          const { name } = JSON.parse(body.toString('utf8')) as { name: string };
          const zip = this.blobs.get(name);
          if (!zip) return answer(404, { code: 'not_found', msg: `no blob uploaded for ${name}` });
          this.artifacts.push({ name, zip });
          return answer(200, { ok: true, artifactId: String(this.artifacts.length) });
        }
        if (request.method === 'PUT' && url.pathname.startsWith('/blob/')) {
          const name = decodeURIComponent(url.pathname.slice('/blob/'.length));
          const comp = url.searchParams.get('comp');
          if (comp === 'block') this.blocks.set(`${name}\0${url.searchParams.get('blockid')}`, body);
          else if (comp === 'blocklist') {
            const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((match) => match[1]!);
            this.blobs.set(name, Buffer.concat(ids.map((id) => this.blocks.get(`${name}\0${id}`) ?? Buffer.alloc(0))));
          } else this.blobs.set(name, body);
          response.writeHead(201, { etag: '"fake"', 'last-modified': new Date().toUTCString(), 'x-ms-request-content-crc64': 'AAAAAAAAAAA=' });
          return response.end();
        }
        return answer(404, { code: 'not_found', msg: `${request.method} ${url.pathname}` });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The environment variables the runner sets for artifact uploads. */
  env(): NodeJS.ProcessEnv {
    return { ACTIONS_RUNTIME_TOKEN: this.runtimeToken, ACTIONS_RESULTS_URL: `${this.url}/` };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}
