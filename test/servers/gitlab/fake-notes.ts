import type http from 'node:http';
import { listenJson, type JsonAnswer } from '../json-loopback.js';

export interface FakeNote {
  id: number;
  body: string;
  author: { username: string };
  system: boolean;
}

type Answer = JsonAnswer;

/**
 * A loopback GitLab that keeps merge request notes as GitLab does: authors, system notes, pages
 * by `x-next-page`, only the author may edit, and a CI job token may not write notes at all.
 */
export class FakeGitlabNotes {
  url = '';
  notes: FakeNote[] = [];
  counts = { listPages: 0, writes: 0 };
  /** Merge requests' head commits now, by iid, for `merge_requests/:iid`. */
  heads = new Map<number, string>();
  /** Requests that do not match a route GitLab has. */
  unknown: string[] = [];
  private nextId = 5000;
  private server?: { url: string; stop(): Promise<void> };
  private readonly users = new Map([['glpat-bot-token-0123456789', 'project_7_bot']]);

  add(username: string, body: string, system = false): FakeNote {
    const note = { id: this.nextId++, body, author: { username }, system };
    this.notes.push(note);
    return note;
  }

  reset(): void {
    this.notes = [];
    this.counts = { listPages: 0, writes: 0 };
    this.heads.clear();
    this.unknown = [];
  }

  async start(): Promise<void> {
    this.server = await listenJson((method, path, query, body, headers) => this.route(method, path, query, body as { body?: string } | undefined, headers));
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private route(method: string, path: string, query: URLSearchParams, body: { body?: string } | undefined, headers: http.IncomingHttpHeaders): Answer {
    const user = this.users.get(String(headers['private-token'] ?? ''));
    if (headers['job-token'] && method !== 'GET') return { status: 403, body: { message: '403 Forbidden' } };
    if (!user && !headers['job-token']) return { status: 401, body: { message: '401 Unauthorized' } };
    if (method === 'GET' && path === '/api/v4/user') return user ? { status: 200, body: { id: 7, username: user } } : { status: 401, body: { message: '401 Unauthorized' } };
    const request = /^\/api\/v4\/projects\/(\d+)\/merge_requests\/(\d+)$/.exec(path);
    if (method === 'GET' && request) {
      const sha = this.heads.get(Number(request[2]));
      return sha ? { status: 200, body: { iid: Number(request[2]), sha } } : { status: 404, body: { message: '404 Not found' } };
    }
    const match = /^\/api\/v4\/projects\/(\d+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(path);
    if (!match) {
      this.unknown.push(`${method} ${path}`);
      return { status: 404, body: { message: '404 Not Found' } };
    }
    const noteId = match[3] ? Number(match[3]) : undefined;
    const note = this.notes.find((candidate) => candidate.id === noteId);
    if (method === 'GET' && noteId === undefined) {
      this.counts.listPages++;
      const perPage = Math.min(100, Number(query.get('per_page') ?? 20));
      const page = Number(query.get('page') ?? 1);
      const more = page * perPage < this.notes.length;
      return { status: 200, body: this.notes.slice((page - 1) * perPage, page * perPage), headers: { 'x-next-page': more ? String(page + 1) : '', 'x-page': String(page) } };
    }
    if (method === 'POST' && noteId === undefined) {
      this.counts.writes++;
      return { status: 201, body: this.add(user!, body?.body ?? '') };
    }
    if (!note) return { status: 404, body: { message: '404 Note Not Found' } };
    if (note.author.username !== user) return { status: 403, body: { message: '403 Forbidden' } };
    this.counts.writes++;
    if (method === 'PUT') {
      note.body = body?.body ?? note.body;
      return { status: 200, body: note };
    }
    if (method === 'DELETE') {
      this.notes = this.notes.filter((candidate) => candidate !== note);
      return { status: 204 };
    }
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  }
}
