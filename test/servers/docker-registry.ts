import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startProcess, stopProcess, waitUntil } from './common.js';

export interface DockerRegistryServer {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Where the filesystem driver keeps blobs, for corruption tests. */
  storage: string;
  stop(): Promise<void>;
}

export interface DockerRegistryOptions {
  /** `user:bcrypt-hash` lines; turns on htpasswd (Basic) auth. */
  htpasswd?: string;
}

export function dockerRegistryBinary(): string | undefined {
  return findBinary(['docker-registry', '/usr/bin/docker-registry', 'registry'], 'apt-get install -y docker-registry skopeo');
}

/** Starts Debian's docker-registry (Distribution 2.8) on 127.0.0.1 with a temp config and storage. */
export async function startDockerRegistry(options: DockerRegistryOptions = {}): Promise<DockerRegistryServer> {
  const binary = dockerRegistryBinary();
  if (!binary) throw new Error('docker-registry is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'modelci-oci-'));
  const port = await freePort();
  const storage = join(dir, 'storage');
  const auth = options.htpasswd
    ? `auth:\n  htpasswd:\n    realm: modelci-test\n    path: ${join(dir, 'htpasswd')}\n`
    : '';
  if (options.htpasswd) await writeFile(join(dir, 'htpasswd'), `${options.htpasswd}\n`);
  await writeFile(join(dir, 'config.yml'), [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    auth,
  ].join('\n'));
  const { child, log } = startProcess(binary, ['serve', join(dir, 'config.yml')], { ...process.env, OTEL_TRACES_EXPORTER: 'none' });
  const host = `127.0.0.1:${port}`;
  await waitUntil(async () => {
    const response = await fetch(`http://${host}/v2/`);
    return response.status === 200 || response.status === 401;
  }, child, 'docker-registry', log);
  return {
    host,
    storage,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
