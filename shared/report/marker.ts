import { createHash } from 'node:crypto';

/**
 * The hidden first line of a report comment: which report it is (the key), a hash of its content
 * (skip-unchanged), the run that wrote it and the head commit it reported (a later run's or a
 * newer head commit's comment is never overwritten). Markers written before `head` existed lack it.
 */
export interface Marker {
  key: string;
  hash: string;
  run: number;
  attempt: number;
  head?: string;
}

const PREFIX = '<!-- modelci-report ';
/** A hidden (minimized) report keeps its text but no longer counts as the sticky comment. */
const RETIRED = '<!-- modelci-report-retired ';
const PATTERN = /^<!-- modelci-report key="([^"]*)" hash="([0-9a-f]{16})" run="(\d+)" attempt="(\d+)"(?: head="([0-9a-f]{7,64})")? -->/;

/** Keys come from workflow, job and matrix names: keep them out of the comment syntax. */
export function cleanKey(key: string): string {
  return key.replace(/["<>]|--/g, '_').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

export function formatMarker(marker: Marker): string {
  const head = marker.head && /^[0-9a-f]{7,64}$/.test(marker.head) ? ` head="${marker.head}"` : '';
  return `${PREFIX}key="${cleanKey(marker.key)}" hash="${marker.hash}" run="${marker.run}" attempt="${marker.attempt}"${head} -->`;
}

/** The marker a comment starts with; anything else (a quote of it, a look-alike mid-text) is not one. */
export function parseMarker(body: string): Marker | undefined {
  const match = PATTERN.exec(body);
  if (!match) return undefined;
  return { key: match[1]!, hash: match[2]!, run: Number(match[3]), attempt: Number(match[4]), ...(match[5] ? { head: match[5] } : {}) };
}

export function retire(body: string): string {
  return body.startsWith(PREFIX) ? RETIRED + body.slice(PREFIX.length) : body;
}
