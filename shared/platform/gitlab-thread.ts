import { GitlabApi, gitlabApiSettings } from './gitlab-api.js';
import type { CommentThread } from './types.js';

/** GitLab accepts notes up to a million characters. */
const GITLAB_MAX_BODY = 1_000_000;

export function gitlabThread(env: NodeJS.ProcessEnv, token: string | undefined, mask: (secret: string) => void, signal?: AbortSignal): CommentThread | { unavailable: string } {
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (!iid) return { unavailable: 'this pipeline belongs to no merge request (CI_MERGE_REQUEST_IID is not set: run the job in merge request pipelines)' };
  const settings = gitlabApiSettings(token ? { ...env, MODELCI_GITLAB_TOKEN: token } : env);
  if (!settings) return { unavailable: 'CI_API_V4_URL, CI_PROJECT_ID or a token is missing, so GitLab cannot be asked' };
  if (settings.tokenKind === 'job') {
    return { unavailable: 'CI_JOB_TOKEN cannot write merge request notes: set a project access token with the `api` scope in a masked CI/CD variable MODELCI_GITLAB_TOKEN' };
  }
  const api = new GitlabApi({ ...settings, mask, ...(signal ? { signal } : {}) });
  // A merged-results pipeline builds a merge commit: the source branch's sha is the head reported on.
  const head = (env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA)?.toLowerCase();
  return {
    label: `merge request !${iid}`,
    maxBody: GITLAB_MAX_BODY,
    order: [Number(env.CI_PIPELINE_ID) || 0, 1],
    ...(head ? { head } : {}),
    currentHead: () => api.mergeRequestHead(iid),
    identity: async () => (await api.currentUser()).username,
    list: async () => (await api.listMergeRequestNotes(iid)).filter((note) => !note.system),
    create: (body) => api.createMergeRequestNote(iid, body),
    update: (id, body) => api.updateMergeRequestNote(iid, id, body),
    remove: (id) => api.deleteMergeRequestNote(iid, id),
  };
}
