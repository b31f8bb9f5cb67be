import type { RunInfo } from './types.js';

function compact(info: RunInfo): RunInfo {
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined && value !== '')) as RunInfo;
}

export function githubRunInfo(env: NodeJS.ProcessEnv): RunInfo {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const pull = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  return compact({
    url: env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    id: env.GITHUB_RUN_ID,
    attempt: env.GITHUB_RUN_ATTEMPT,
    repository: env.GITHUB_REPOSITORY,
    ref: env.GITHUB_REF,
    sha: env.GITHUB_SHA,
    actor: env.GITHUB_ACTOR,
    changeRequest: pull ? Number(pull[1]) : undefined,
    job: env.GITHUB_WORKFLOW && env.GITHUB_JOB ? `${env.GITHUB_WORKFLOW}/${env.GITHUB_JOB}` : env.GITHUB_JOB,
  });
}

export function gitlabRunInfo(env: NodeJS.ProcessEnv): RunInfo {
  return compact({
    url: env.CI_JOB_URL,
    id: env.CI_JOB_ID,
    repository: env.CI_PROJECT_PATH,
    ref: env.CI_COMMIT_REF_NAME,
    sha: env.CI_COMMIT_SHA,
    actor: env.GITLAB_USER_LOGIN,
    changeRequest: env.CI_MERGE_REQUEST_IID ? Number(env.CI_MERGE_REQUEST_IID) : undefined,
    job: env.CI_JOB_NAME,
  });
}

/** The commit CI is building, on either CI (a detached checkout has no branch to ask git about). */
export function ciCommitSha(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_SHA ?? env.CI_COMMIT_SHA;
}

/** Who started the run, on either CI. */
export function ciActor(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN;
}

/** GitHub's "re-run with debug logging" asks every step for its debug lines. */
export function ciDebugRequested(env: NodeJS.ProcessEnv): boolean {
  return env.RUNNER_DEBUG === '1';
}
