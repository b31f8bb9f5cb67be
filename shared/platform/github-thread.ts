import { readFileSync } from 'node:fs';
import { GithubApi, githubApiSettings } from './github-api.js';
import type { CommentThread } from './types.js';

/** GitHub refuses comment bodies longer than this. */
const GITHUB_MAX_BODY = 65_536;

interface EventPayload {
  pull_request?: { number?: number; head?: { sha?: string } };
  issue?: { number?: number; pull_request?: unknown };
  /** The second job of a fork-safe pair runs on `workflow_run`: the PR is found from the first run's head commit. */
  workflow_run?: { head_sha?: string; head_branch?: string; event?: string };
}

function eventPayload(path: string | undefined): EventPayload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch {
    return {};
  }
}

/** The head commit the run reports on: the PR's head (GITHUB_SHA of a pull_request run is the merge commit), else the built commit. */
function headCommit(env: NodeJS.ProcessEnv): string | undefined {
  const event = eventPayload(env.GITHUB_EVENT_PATH);
  return (event.pull_request?.head?.sha ?? event.workflow_run?.head_sha ?? env.GITHUB_SHA)?.toLowerCase();
}

function runOrder(env: NodeJS.ProcessEnv): [number, number] {
  return [Number(env.GITHUB_RUN_ID) || 0, Number(env.GITHUB_RUN_ATTEMPT) || 1];
}

/** The pull request of this run: from the event payload, else the open pull requests of the commit. */
async function pullRequestNumber(api: GithubApi, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const event = eventPayload(env.GITHUB_EVENT_PATH);
  const fromEvent = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  if (fromEvent) return fromEvent;
  // Never from the first run's artifact (a fork controls it): from GitHub, by the commit it built.
  const run = event.workflow_run;
  const sha = run?.head_sha ?? env.GITHUB_SHA;
  if (!sha) return undefined;
  const pulls = await api.pullRequestsOfCommit(sha);
  return pulls.find((pull) => pull.state === 'open' && (!run?.head_branch || pull.headRef === run.head_branch))?.number;
}

export async function githubThread(env: NodeJS.ProcessEnv, token: string | undefined, mask: (secret: string) => void, warn: (line: string) => void): Promise<CommentThread | { unavailable: string }> {
  const auth = token || env.GITHUB_TOKEN;
  if (!auth) return { unavailable: 'no token: give the step `token: ${{ github.token }}` (with `pull-requests: write`) to comment on the pull request' };
  const settings = githubApiSettings(env);
  if (!settings.repository) return { unavailable: 'GITHUB_REPOSITORY is not set, so there is no repository to comment in' };
  const api = new GithubApi({ token: auth, repository: settings.repository, baseUrl: settings.baseUrl, fromFork: settings.fromFork, writeIntervalMs: settings.writeIntervalMs, mask, warn });
  const number = await pullRequestNumber(api, env);
  if (number === undefined) return { unavailable: `this run (event ${env.GITHUB_EVENT_NAME ?? 'unknown'}) belongs to no open pull request` };
  const head = headCommit(env);
  return {
    label: `pull request #${number}`,
    maxBody: GITHUB_MAX_BODY,
    order: runOrder(env),
    ...(head ? { head } : {}),
    currentHead: () => api.pullRequestHead(number),
    identity: () => api.viewerLogin(),
    list: () => api.listIssueComments(number),
    create: (body) => api.createComment(number, body),
    update: (id, body) => api.updateComment(id, body),
    remove: (id) => api.deleteComment(id),
    hide: (comment) => api.minimizeComment(comment.nodeId ?? ''),
  };
}
