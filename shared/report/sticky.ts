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

/**
 * The own comment that reports the request's current head commit when this run reports another
 * (a re-run of an older commit's workflow). The current head is asked for only when a comment
 * records a head other than this run's, so the usual update costs no extra request.
 */
async function reportsNewerHead(thread: CommentThread, owned: Owned[]): Promise<Owned | undefined> {
  if (!thread.head || !thread.currentHead) return undefined;
  const others = owned.filter((entry) => entry.marker.head !== undefined && entry.marker.head !== thread.head);
  if (others.length === 0) return undefined;
  const current = (await thread.currentHead())?.toLowerCase();
  if (!current || current === thread.head) return undefined;
  return others.find((entry) => entry.marker.head === current);
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

export interface StickyRequest {
  key: string;
  body: string;
  mode: StickyMode;
  leg?: string;
  /**
   * The body rendered again to at most `limit` characters: matrix legs share one comment, so a
   * leg's section gets the room the other legs' sections leave under the platform's limit.
   */
  fit?: (limit: number) => string;
}

/**
 * One sticky report comment per key on a pull or merge request. Only comments the token itself
 * wrote count (a look-alike marker in someone else's comment is left alone); all pages are read;
 * a comment from a later run is never overwritten; and when two runs race to create, both end
 * with the oldest comment kept and the others removed.
 */
export async function applySticky(thread: CommentThread, options: StickyRequest): Promise<StickyOutcome> {
  const identity = await thread.identity();
  const key = cleanKey(options.key);
  if (options.leg === undefined) return applyOnce(thread, { ...options, key }, identity);
  // Legs write one comment without a compare-and-set: after writing, read again, and write again
  // if another leg's write replaced this leg's section in between.
  const leg = cleanLeg(options.leg);
  let outcome: StickyOutcome | undefined;
  for (let attempt = 0; attempt < LEG_ATTEMPTS; attempt++) {
    const writer = new BodyWriter(thread, { ...options, key }, leg);
    outcome = await applyOnce(thread, { ...options, key }, identity, writer);
    if (!outcome.comment || options.mode === 'delete') return outcome;
    const now = (await ownComments(thread, key, identity))[0];
    if (now && legSections(now.comment.body).get(leg) === writer.section) return outcome;
  }
  return { ...outcome!, applied: 'skipped', reason: `other matrix legs kept replacing the comment; this leg's section was not kept after ${LEG_ATTEMPTS} writes` };
}

/** How often a matrix leg writes its section again when another leg overwrote it. */
const LEG_ATTEMPTS = 3;

/** The comment body this run writes: its marker line, then the report or, for a leg, every leg's section. */
class BodyWriter {
  /** This leg's section as last written (the body, or the body fitted to the room left). */
  section: string;
  private readonly room: number;

  constructor(
    private readonly thread: CommentThread,
    private readonly options: StickyRequest,
    private readonly leg: string | undefined,
  ) {
    this.section = options.body;
    this.room = thread.maxBody - this.markerLine('').length - 1;
  }

  content(entry: Owned | undefined): string {
    if (this.leg === undefined) return this.options.body;
    const existing = entry ? bodyAfterMarker(entry.comment.body) : undefined;
    this.section = this.options.body;
    let text = withLeg(existing, this.leg, this.section);
    if (text.length > this.room && this.options.fit) {
      this.section = this.options.fit(Math.max(0, this.room - (text.length - this.options.body.length)));
      text = withLeg(existing, this.leg, this.section);
    }
    return text;
  }

  /** Why nothing can be written: the other legs' sections leave no room under the limit. */
  overflow(entry: Owned | undefined): string | undefined {
    if (this.content(entry).length <= this.room) return undefined;
    return `the matrix legs' sections together exceed the ${this.thread.maxBody.toLocaleString('en-US')}-character limit of ${this.thread.label}`;
  }

  bodyFor(entry: Owned | undefined): string {
    const text = this.content(entry);
    return `${this.markerLine(text)}\n${text}`;
  }

  private markerLine(text: string): string {
    return formatMarker({ key: this.options.key, hash: contentHash(text), run: this.thread.order[0], attempt: this.thread.order[1], ...(this.thread.head ? { head: this.thread.head } : {}) });
  }
}

async function applyOnce(thread: CommentThread, options: StickyRequest, identity: string, writer = new BodyWriter(thread, options, undefined)): Promise<StickyOutcome> {
  const { mode, key } = options;
  const owned = await ownComments(thread, key, identity);
  const content = (entry: Owned | undefined) => writer.content(entry);
  const bodyFor = (entry: Owned | undefined) => writer.bodyFor(entry);
  const newer = owned.find((entry) => later(entry.marker, thread.order));
  if (newer && mode !== 'delete') return { applied: 'skipped', previous: newer.comment, reason: `a later run (${newer.marker.run}, attempt ${newer.marker.attempt}) already wrote this report` };
  const newerHead = mode === 'delete' ? undefined : await reportsNewerHead(thread, owned);
  if (newerHead) return { applied: 'skipped', previous: newerHead.comment, reason: `the comment reports head commit ${newerHead.marker.head!.slice(0, 12)}, the ${thread.label}'s head now, and this run reports the older ${thread.head!.slice(0, 12)}` };

  const [first, ...rest] = owned;
  const overflow = mode === 'delete' ? undefined : writer.overflow(first);
  if (overflow) return { applied: 'skipped', ...(first ? { previous: first.comment } : {}), reason: overflow };
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
