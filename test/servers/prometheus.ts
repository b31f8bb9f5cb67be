import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startProcess, stopProcess, waitUntil } from './common.js';

/** The series a test puts on the exporter's page: `name{labels} value`. */
export interface ExportedSeries {
  name: string;
  labels?: Record<string, string>;
  /** NaN and ±Infinity are written as Prometheus's text format spells them. */
  value: number;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:PORT`, Prometheus itself. */
  url: string;
  /**
   * Replaces every series the exporter shows and resolves once Prometheus has scraped the new page
   * (a generation gauge on the same page reached the new number), so the next query sees it.
   */
  expose(series: ExportedSeries[]): Promise<void>;
  /** A loopback proxy in front of Prometheus that answers 401 unless `Authorization: Bearer <token>`. */
  withBearerToken(token: string): Promise<{ url: string; requests: { authorization: string | undefined }[]; stop(): Promise<void> }>;
  /** Stops Prometheus only (the exporter keeps serving), for the unreachable case. */
  stopPrometheus(): Promise<void>;
  stop(): Promise<void>;
}

const GENERATION = 'modelci_exporter_generation';

export function prometheusBinary(): string | undefined {
  return findBinary(['prometheus', '/usr/bin/prometheus'], 'bash test/setup/prometheus.sh (Debian package prometheus)');
}

function sampleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function page(series: ExportedSeries[], generation: number): string {
  const lines = [`# TYPE ${GENERATION} gauge`, `${GENERATION} ${generation}`];
  for (const entry of series) {
    const labels = Object.entries(entry.labels ?? {}).map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',');
    lines.push(`${entry.name}${labels ? `{${labels}}` : ''} ${sampleText(entry.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function instantValue(url: string, query: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
  const value = body.data?.result?.[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

/**
 * Debian's Prometheus on a free 127.0.0.1 port, with a temp config and temp storage, scraping every
 * second a loopback exporter whose page the test writes. Resolves when Prometheus is ready and its
 * first scrape of the exporter has landed. One per test file: it takes a few seconds to start.
 */
export async function startPrometheus(): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  if (!binary) throw new Error('prometheus is not installed');
  let series: ExportedSeries[] = [];
  let generation = 0;
  const exporter = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(page(series, generation));
  });
  const exporterPort = await listen(exporter);
  const dir = await mkdtemp(join(tmpdir(), 'modelci-prometheus-'));
  const port = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: exporter',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${exporterPort}']`,
    '',
  ].join('\n'));
  const { child, log } = startProcess(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { ...process.env });
  const url = `http://127.0.0.1:${port}`;
  const stopped = { prometheus: false };
  const stopPrometheus = async (): Promise<void> => {
    if (stopped.prometheus) return;
    stopped.prometheus = true;
    await stopProcess(child);
  };
  const landed = async (wanted: number): Promise<boolean> => (await instantValue(url, GENERATION)) === wanted;
  try {
    await waitUntil(async () => (await fetch(`${url}/-/ready`)).status === 200, child, 'prometheus', log);
    await waitUntil(() => landed(0), child, 'prometheus (first scrape of the exporter)', log);
  } catch (error) {
    await stopPrometheus();
    await close(exporter);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    async expose(next) {
      series = next;
      generation++;
      await waitUntil(() => landed(generation), child, 'prometheus (scrape of the new series)', log);
    },
    async withBearerToken(token) {
      const requests: { authorization: string | undefined }[] = [];
      const proxy = http.createServer((request, response) => {
        requests.push({ authorization: request.headers.authorization });
        if (request.headers.authorization !== `Bearer ${token}`) {
          request.resume();
          response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized\n');
          return;
        }
        const forward = http.request(`${url}${request.url}`, { method: request.method, headers: { ...request.headers, authorization: '' } }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        });
        forward.on('error', () => response.destroy());
        request.pipe(forward);
      });
      const proxyPort = await listen(proxy);
      return { url: `http://127.0.0.1:${proxyPort}`, requests, stop: () => close(proxy) };
    },
    stopPrometheus,
    async stop() {
      await stopPrometheus();
      await close(exporter);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
