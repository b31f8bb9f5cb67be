import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../shared/registry/index.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { dockerRegistryBinary, startDockerRegistry, type DockerRegistryServer } from '../servers/docker-registry.js';
import { startTokenAuthProxy, type TokenAuthProxy } from '../servers/token-auth-proxy.js';
import { listTree, makeModel, tempDir } from './fixtures.js';

const USER = 'ci-bot';
const PASSWORD = 'pw-7d1c0e-do-not-log';

function bcrypt(password: string): string {
  const script = 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
  return execFileSync('python3', ['-W', 'ignore', '-c', script, password], { encoding: 'utf8' }).trim();
}

describe.runIf(dockerRegistryBinary())('OCI auth against docker-registry', () => {
  let basic: DockerRegistryServer;
  let open: DockerRegistryServer;
  let proxy: TokenAuthProxy;
  let work: string;

  beforeAll(async () => {
    work = await tempDir();
    await makeModel(join(work, 'model'), 'auth');
    basic = await startDockerRegistry({ htpasswd: `${USER}:${bcrypt(PASSWORD)}` });
    open = await startDockerRegistry();
    proxy = await startTokenAuthProxy(open.host, { user: USER, password: PASSWORD });
  });

  afterAll(async () => {
    await proxy?.stop();
    await basic?.stop();
    await open?.stop();
  });

  it('pushes and pulls with Basic credentials (htpasswd)', async () => {
    const registry = openRegistry(`oci://${basic.host}/team`, { cwd: work, env: {}, username: USER, password: PASSWORD });
    const pushed = await registry.push({ name: 'churn', path: join(work, 'model') });
    expect(pushed).toMatchObject({ version: '1', created: true });
    await registry.pull('churn', '1', join(work, 'pulled-basic'));
    expect(await listTree(join(work, 'pulled-basic'))).toEqual(['config.json', 'docs/README.md', 'model.bin']);
  });

  it('refuses anonymous and wrong credentials with an auth error that names the fix, not the password', async () => {
    const anonymous = openRegistry(`oci://${basic.host}/team`, { cwd: work, env: {} });
    await expect(anonymous.list('churn')).rejects.toMatchObject({ kind: 'environment', code: 'registry-auth' });
    const wrong = openRegistry(`oci://${basic.host}/team`, { cwd: work, env: {}, username: USER, password: `${PASSWORD}-wrong` });
    const error = (await wrong.list('churn').catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error).toMatchObject({ code: 'registry-auth' });
    expect(error.hint).toContain('--password');
    expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
  });

  it('follows the bearer-token challenge: token from the realm for the scope the registry named', async () => {
    const registry = openRegistry(`oci://${proxy.host}/team`, { cwd: work, env: {}, username: USER, token: PASSWORD });
    const pushed = await registry.push({ name: 'churn', path: join(work, 'model') });
    expect(pushed).toMatchObject({ version: '1', created: true });
    await registry.pull('churn', 'v1', join(work, 'pulled-bearer'));
    expect(await listTree(join(work, 'pulled-bearer'))).toEqual(['config.json', 'docs/README.md', 'model.bin']);
    expect(proxy.tokenRequests.length).toBeGreaterThan(0);
    expect(proxy.tokenRequests.every((request) => request.user === USER && request.service === 'modelci-test')).toBe(true);
    expect(proxy.tokenRequests.map((request) => request.scope).flat()).toContain('repository:team/churn:pull,push');
  });

  it('takes the token from MODELCI_REGISTRY_TOKEN and never prints it, even in verbose logs', async () => {
    const cwd = await tempDir();
    await makeModel(join(cwd, 'model'), 'auth-cli');
    const ok = await runCliCaptured(['push-model', '--registry', `oci://${proxy.host}/team`, '--name', 'cli', '--path', 'model', '--username', USER, '--verbose', '--format', 'json'], { cwd, env: { MODELCI_REGISTRY_TOKEN: PASSWORD } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'passed', name: 'cli', version: '1' });
    expect(ok.stdout + ok.stderr).not.toContain(PASSWORD);

    const refused = await runCliCaptured(['registry', 'ls', '--registry', `oci://${proxy.host}/team`, '--name', 'cli', '--username', USER, '--token', `${PASSWORD}-bad`, '--verbose', '--format', 'json'], { cwd });
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 'error', error: { code: 'registry-auth' } });
    expect(refused.stdout + refused.stderr).not.toContain(PASSWORD);
  });
});
