import type { CommentThread, ThreadComment } from '../platform/types.js';
import { cleanLeg, legSections, withLeg } from './legs.js';
import { cleanKey, contentHash, formatMarker, parseMarker, retire, type Marker } from './marker.js';

export const STICKY_MODES = ['upsert', 'recreate', 'hide-and-recreate', 'delete', 'only-create', 'only-update', 'skip-unchanged'] as const;
export type StickyMode = (typeof STICKY_MODES)[number];

export interface StickyOutcome {
  /** What was done: created, updated, unchanged, recreated, deleted, or skipped (with `reason`). */
  applied: 'created' | 'updated' | 'unchanged' | 'recreated' | 'deleted' | 'skipped';
  comment?: ThreadComment;
  /** The comment this one replaced or edited, when there was one. */
  previous?: ThreadComment;
  reason?: string;
}

interface Owned {
  comment: ThreadComment;
  marker: Marker;
}

function later(a: Marker, order: readonly [number, number]): boolean {
  return a.run > order[0] || (a.run === order[0] && a.attempt > order[1]);
}

/** This report's comments: written by the token's own identity and starting with this key's marker; oldest first. */
async function ownComments(thread: CommentThread, key: string, identity: string): Promise<Owned[]> {
  const owned: Owned[] = [];
  for (const comment of await thread.list()) {
    if (comment.author !== identity) continue;
    const marker = parseMarker(comment.body);
    if (marker?.key === key) owned.push({ comment, marker });
  }
  return owned.sort((a, b) => a.comment.id - b.comment.id);
}

/**
 * One sticky report comment per key on a pull or merge request. Only comments the token itself
 * wrote count (a look-alike marker in someone else's comment is left alone); all pages are read;
 * a comment from a later run is never overwritten; and when two runs race to create, both end
 * with the oldest comment kept and the others removed.
 */
export async function applySticky(thread: CommentThread, options: { key: string; body: string; mode: StickyMode; leg?: string }): Promise<StickyOutcome> {
  const identity = await thread.identity();
  const key = cleanKey(options.key);
  if (options.leg === undefined) return applyOnce(thread, { ...options, key }, identity);
  // Legs write one comment without a compare-and-set: after writing, read again, and write again
  // if another leg's write replaced this leg's section in between.
  const leg = cleanLeg(options.leg);
  let outcome: StickyOutcome | undefined;
  for (let attempt = 0; attempt < LEG_ATTEMPTS; attempt++) {
    outcome = await applyOnce(thread, { ...options, key }, identity, leg);
    if (!outcome.comment || options.mode === 'delete') return outcome;
    const now = (await ownComments(thread, key, identity))[0];
    if (now && legSections(now.comment.body).get(leg) === options.body) return outcome;
  }
  return { ...outcome!, applied: 'skipped', reason: `other matrix legs kept replacing the comment; this leg's section was not kept after ${LEG_ATTEMPTS} writes` };
}

/** How often a matrix leg writes its section again when another leg overwrote it. */
const LEG_ATTEMPTS = 3;

async function applyOnce(thread: CommentThread, options: { key: string; body: string; mode: StickyMode }, identity: string, leg?: string): Promise<StickyOutcome> {
  const { mode, key } = options;
  const owned = await ownComments(thread, key, identity);
  const content = (entry: Owned | undefined) => (leg === undefined ? options.body : withLeg(entry ? bodyAfterMarker(entry.comment.body) : undefined, leg, options.body));
  const bodyFor = (entry: Owned | undefined) => {
    const text = content(entry);
    return `${formatMarker({ key, hash: contentHash(text), run: thread.order[0], attempt: thread.order[1] })}\n${text}`;
  };
  const newer = owned.find((entry) => later(entry.marker, thread.order));
  if (newer && mode !== 'delete') return { applied: 'skipped', previous: newer.comment, reason: `a later run (${newer.marker.run}, attempt ${newer.marker.attempt}) already wrote this report` };

  const [first, ...rest] = owned;
  switch (mode) {
    case 'delete':
      for (const entry of owned) await thread.remove(entry.comment.id);
      return owned.length ? { applied: 'deleted', previous: first!.comment } : { applied: 'skipped', reason: 'there was no report comment to delete' };
    case 'only-update':
      if (!first) return { applied: 'skipped', reason: 'there is no report comment to update (mode only-update)' };
      break;
    case 'only-create':
      if (first) return { applied: 'skipped', previous: first.comment, reason: 'a report comment exists already (mode only-create)' };
      break;
    case 'recreate':
    case 'hide-and-recreate':
      for (const entry of owned) {
        if (mode === 'hide-and-recreate' && thread.hide) {
          await thread.update(entry.comment.id, retire(entry.comment.body));
          await thread.hide(entry.comment);
        } else {
          await thread.remove(entry.comment.id);
        }
      }
      return { applied: 'recreated', comment: await thread.create(bodyFor(first)), ...(first ? { previous: first.comment } : {}) };
    default:
      break;
  }

  if (first) {
    for (const extra of rest) await thread.remove(extra.comment.id);
    if (mode === 'skip-unchanged' && first.marker.hash === contentHash(content(first))) return { applied: 'unchanged', comment: first.comment, previous: first.comment };
    const body = bodyFor(first);
    await thread.update(first.comment.id, body);
    return { applied: 'updated', comment: { ...first.comment, body }, previous: first.comment };
  }
  const created = await thread.create(bodyFor(undefined));
  // Another run may have created its comment at the same moment: the oldest one wins, everywhere.
  const after = await ownComments(thread, key, identity);
  const oldest = after[0];
  if (!oldest || oldest.comment.id === created.id) {
    for (const extra of after.slice(1)) await thread.remove(extra.comment.id);
    return { applied: 'created', comment: created };
  }
  await thread.remove(created.id);
  if (later(oldest.marker, thread.order)) return { applied: 'skipped', previous: oldest.comment, reason: 'a later run wrote this report at the same time' };
  const body = bodyFor(oldest);
  await thread.update(oldest.comment.id, body);
  return { applied: 'updated', comment: { ...oldest.comment, body }, previous: oldest.comment };
}

function bodyAfterMarker(body: string): string {
  const newline = body.indexOf('\n');
  return newline < 0 ? '' : body.slice(newline + 1);
}
