import { execFileSync } from 'node:child_process';
import { referencesRequired } from '../helpers/python.js';
import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashedWriter } from '../../shared/http/hashed-writer.js';
import { proxyInUse, rawGet, RawGetError, type RawHead } from '../../shared/http/raw-get.js';
import { seededBytes, tempDir } from './fixtures.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A loopback TCP server that answers every connection with `respond`, byte for byte. */
async function server(respond: (socket: net.Socket, request: string) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const listener = net.createServer((socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      requests.push(text);
      respond(socket, text);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  closers.push(() => listener.close());
  return { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/v2/team/churn/blobs/sha256:abc?x=1`, requests };
}

/** Collects the body the sink is given, copying each piece (the buffer is reused). */
function collector(): { pieces: Buffer[]; sink: (chunk: Buffer) => undefined; body(): Buffer } {
  const pieces: Buffer[] = [];
  return { pieces, sink: (chunk) => void pieces.push(Buffer.from(chunk)), body: () => Buffer.concat(pieces) };
}

const body = seededBytes('raw-get', 3 << 20);

describe('rawGet', () => {
  it('sends one GET with the headers it was given and reads a Content-Length body, head split across packets', async () => {
    const { url, requests } = await server((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => {
        socket.write(`ngth: ${body.length}\r\nDocker-Content-Digest: sha256:abc\r\n\r\n`);
        socket.write(body.subarray(0, 1000));
        setTimeout(() => socket.end(body.subarray(1000)), 20);
      }, 20);
    });
    const seen = collector();
    let offered: RawHead | undefined;
    const result = await rawGet(url, { headers: { authorization: 'Bearer t0k' }, accept: (head) => ((offered = head), seen.sink) });
    expect(result.taken).toBe(true);
    expect(offered).toMatchObject({ status: 200, length: body.length, headers: { 'docker-content-digest': 'sha256:abc' } });
    expect(seen.body().equals(body)).toBe(true);
    expect(requests[0]).toMatch(/^GET \/v2\/team\/churn\/blobs\/sha256:abc\?x=1 HTTP\/1\.1\r\n/);
    expect(requests[0]).toContain('\r\nauthorization: Bearer t0k\r\n');
  });

  it('waits for a sink that asks to, and still gets every byte in order', async () => {
    const { url } = await server((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body])));
    const seen = collector();
    const result = await rawGet(url, {
      bufferBytes: 64 << 10,
      accept: () => (chunk) => {
        seen.sink(chunk);
        return new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    expect(result.taken).toBe(true);
    expect(seen.body().equals(body)).toBe(true);
  });

  it('does not offer a chunked body (no Content-Length framing) and hangs up', async () => {
    const { url } = await server((socket) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'));
    let offered: RawHead | undefined;
    const result = await rawGet(url, { accept: (head) => ((offered = head), collector().sink) });
    expect(offered).toMatchObject({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
    expect(offered?.length).toBeUndefined();
    expect(result.taken).toBe(false);
  });

  it('reports a redirect without reading its body', async () => {
    const { url } = await server((socket) => socket.end('HTTP/1.1 307 Temporary Redirect\r\nLocation: http://storage.invalid/blob?sig=1\r\nContent-Length: 0\r\n\r\n'));
    const result = await rawGet(url, { accept: (head) => (head.status === 200 ? collector().sink : undefined) });
    expect(result).toMatchObject({ taken: false, head: { status: 307, headers: { location: 'http://storage.invalid/blob?sig=1' } } });
  });

  it('fails a body cut short with ERR_TRUNCATED, after the head', async () => {
    const { url } = await server((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body.subarray(0, 5000)])));
    const error = await rawGet(url, { accept: () => collector().sink }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RawGetError);
    expect(error).toMatchObject({ code: 'ERR_TRUNCATED', afterHead: true });
    expect((error as Error).message).toContain(`after 5000 of ${body.length} bytes`);
  });

  it('fails a connection closed before any answer, before the head', async () => {
    const { url } = await server((socket) => socket.destroy());
    await expect(rawGet(url, { accept: () => collector().sink })).rejects.toMatchObject({ afterHead: false });
  });

  it('fails a connection that goes silent with ETIMEDOUT', async () => {
    const { url } = await server((socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\nabc`));
    await expect(rawGet(url, { idleMs: 200, accept: () => collector().sink })).rejects.toMatchObject({ code: 'ETIMEDOUT', afterHead: true });
  });

  it('refuses more bytes than Content-Length announced', async () => {
    const { url } = await server((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcdef'));
    await expect(rawGet(url, { accept: () => collector().sink })).rejects.toMatchObject({ code: 'ERR_BAD_RESPONSE' });
  });

  it('stops when the signal aborts', async () => {
    const { url } = await server((socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\nabc`));
    const controller = new AbortController();
    const pending = rawGet(url, { signal: controller.signal, accept: () => (controller.abort(new Error('stop here')), collector().sink) });
    await expect(pending).rejects.toThrow('stop here');
  });

  it('refuses header values with line breaks (no header injection)', async () => {
    await expect(rawGet('http://127.0.0.1:1/', { headers: { authorization: 'x\r\nhost: evil' }, accept: () => undefined })).rejects.toMatchObject({ code: 'ERR_INVALID_HEADER' });
  });

  it.runIf(hasOpenssl())('reads over TLS, checking the certificate', async () => {
    const dir = await tempDir();
    closers.push(() => void rm(dir, { recursive: true, force: true }));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = await readFile(join(dir, 'cert.pem'));
    const listener = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert }, (_request, response) => response.writeHead(200, { 'content-length': body.length }).end(body));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    closers.push(() => listener.close());
    const url = `https://127.0.0.1:${(listener.address() as AddressInfo).port}/blob`;
    const seen = collector();
    expect((await rawGet(url, { ca: cert, accept: () => seen.sink })).taken).toBe(true);
    expect(seen.body().equals(body)).toBe(true);
    await expect(rawGet(url, { accept: () => seen.sink })).rejects.toMatchObject({ afterHead: false });
  });
});

describe('proxyInUse', () => {
  it('is on only when Node is told to use the environment proxy and one is set', () => {
    expect(proxyInUse({ NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: 'http://proxy.invalid:3128' })).toBe(true);
    expect(proxyInUse({ NODE_OPTIONS: '--use-env-proxy', http_proxy: 'http://proxy.invalid:3128' })).toBe(true);
    expect(proxyInUse({ HTTPS_PROXY: 'http://proxy.invalid:3128' })).toBe(false);
    expect(proxyInUse({ NODE_USE_ENV_PROXY: '1' })).toBe(false);
  });
});

describe('HashedWriter', () => {
  it('writes every chunk at its offset and hashes them in order, whatever the chunk sizes', async () => {
    const dir = await tempDir();
    closers.push(() => void rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'blob');
    const file = await open(path, 'wx');
    const writer = new HashedWriter(file.fd);
    const sizes = [1, 70_000, 1 << 20, 5, (1 << 20) + 17, 300_000];
    let offset = 0;
    for (let i = 0; offset < body.length; i++) {
      const size = Math.min(sizes[i % sizes.length] as number, body.length - offset);
      const scratch = Buffer.from(body.subarray(offset, offset + size));
      const wait = writer.write(scratch);
      scratch.fill(0);
      await wait;
      offset += size;
    }
    const result = await writer.finish();
    await file.close();
    expect(result).toEqual({ digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, bytes: body.length });
    expect((await readFile(path)).equals(body)).toBe(true);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (referencesRequired()) throw new Error("openssl not found; run the tests with 'npm test', which installs it (Debian openssl).");
    return false;
  }
}
