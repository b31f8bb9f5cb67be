import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Duplicate detection for unique fields, primary keys, unique keys and duplicate rows in bounded
 * memory. Up to `budget` distinct keys live in an exact Map (a duplicate is reported on the spot,
 * with the row it repeats). Past the budget every key becomes a 96-bit hash record spilled to
 * hash-partitioned temp files, and the partitions are checked one by one at the end. Those late
 * duplicates rest on the hash alone: two different keys would have to agree on 96 bits (odds about
 * n^2 / 2^97, ~1e-16 for 4M rows). They are not re-read from the file, so they carry no `cell`.
 *
 * Integer keys in a compact range (row ids) skip all that: a table indexed by the key holds each
 * key's latest row, for a range of up to DENSE_LIMIT keys (8 MiB), in pages of DENSE_PAGE slots
 * made as keys reach them (a table grown by doubling would hold its old copy beside the new one
 * at every step). A key that would stretch the range past the limit moves the table's keys to the
 * Map (or the spill files) and the tracker carries on from there.
 */
export interface Duplicate {
  rowNumber: number;
  /** The most recent earlier row with the same key (what frictionless-py reports). */
  previous: number;
}

const PARTITION_BITS = 6;
const PARTITIONS = 1 << PARTITION_BITS;
// Records per partition before a write: 1 MiB of buffers for the 64 partitions; four times more
// measured no faster and held 3 MiB more.
const PARTITION_BUFFER = 1024;
const DENSE_LIMIT = 1 << 21;
const DENSE_PAGE_BITS = 16;
const DENSE_PAGE = 1 << DENSE_PAGE_BITS;

export class KeyTracker {
  private map: Map<string | number, number> | null = new Map();
  private partitions: HashPartitions | undefined;
  /** Latest row per integer key (0 for none): key's slot is key - pageBase, in page slot >>> DENSE_PAGE_BITS. */
  private pages: (Int32Array | undefined)[] | null = null;
  private pageBase = 0;
  /** The lowest key and one past the highest key in the table. */
  private low = 0;
  private high = 0;
  private denseOff = false;

  constructor(private readonly budget: number = 1 << 18) {}

  get spilled(): boolean {
    return this.map === null;
  }

  /** The earlier row with this key when known now; 0 when new (or when the check is deferred). */
  add(key: string | number, rowNumber: number): number {
    if (typeof key === 'number' && !this.denseOff && Number.isInteger(key)) {
      const previous = this.denseAdd(key, rowNumber);
      if (previous >= 0) return previous;
    }
    const map = this.map;
    if (map) {
      const previous = map.get(key);
      map.set(key, rowNumber);
      if (previous !== undefined) return previous;
      if (map.size > this.budget) this.spill();
      return 0;
    }
    this.record(key, rowNumber);
    return 0;
  }

  /** Puts the key's row in the dense table; its previous row (0 for none), or -1 once the range is too wide. */
  private denseAdd(key: number, rowNumber: number): number {
    let pages = this.pages;
    if (pages === null) {
      pages = this.pages = [];
      this.pageBase = Math.floor(key / DENSE_PAGE) * DENSE_PAGE;
      this.low = key;
      this.high = key + 1;
    } else if (key < this.low || key >= this.high) {
      const low = Math.min(this.low, key);
      const high = Math.max(this.high, key + 1);
      if (high - low > DENSE_LIMIT) {
        this.leaveDense();
        return -1;
      }
      this.low = low;
      this.high = high;
      if (key < this.pageBase) {
        const more = Math.ceil((this.pageBase - key) / DENSE_PAGE);
        pages = this.pages = [...new Array<undefined>(more).fill(undefined), ...pages];
        this.pageBase -= more * DENSE_PAGE;
      }
    }
    const slot = key - this.pageBase;
    const index = slot >>> DENSE_PAGE_BITS;
    const page = pages[index] ?? (pages[index] = new Int32Array(DENSE_PAGE));
    const at = slot & (DENSE_PAGE - 1);
    const previous = page[at]!;
    page[at] = rowNumber;
    return previous;
  }

  /** Hands the dense table's keys (each with its latest row) to the Map or the spill files. */
  private leaveDense(): void {
    const pages = this.pages!;
    this.pages = null;
    this.denseOff = true;
    let count = 0;
    for (const page of pages) if (page) for (let i = 0; i < page.length; i++) if (page[i] !== 0) count++;
    // Straight to the spill files when the Map could not hold them all.
    if (this.map && this.map.size + count > this.budget) this.spill();
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p];
      if (page === undefined) continue;
      const first = this.pageBase + p * DENSE_PAGE;
      for (let i = 0; i < page.length; i++) {
        const row = page[i]!;
        if (row === 0) continue;
        if (this.map) this.map.set(first + i, row);
        else this.record(first + i, row);
      }
      // Each page can go as soon as its keys have.
      pages[p] = undefined;
    }
  }

  private spill(): void {
    const map = this.map!;
    this.map = null;
    this.partitions = new HashPartitions();
    // Earlier keys keep their latest row, so later repeats still name the right previous row.
    const entries = [...map.entries()].sort((a, b) => a[1] - b[1]);
    map.clear();
    for (const [key, row] of entries) this.record(key, row);
  }

  private record(key: string | number, rowNumber: number): void {
    this.partitions!.add(key, rowNumber);
  }

  /** Duplicates found only at the end (spilled mode), in row order: the count and the first `limit`. */
  finish(limit: number): { count: number; first: Duplicate[] } {
    this.pages = null;
    if (this.map) {
      this.map = new Map();
      return { count: 0, first: [] };
    }
    let count = 0;
    let first: Duplicate[] = [];
    const partitions = this.partitions!;
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const records = partitions.read(p);
        const found = duplicatesIn(records, partitions.slotsFor(records), limit);
        count += found.count;
        if (found.first.length > 0) {
          first = first.concat(found.first).sort((a, b) => a.rowNumber - b.rowNumber);
          if (first.length > limit) first.length = limit;
        }
      }
    } finally {
      partitions.dispose();
    }
    return { count, first };
  }

  /** Releases temp files after an error. */
  dispose(): void {
    this.partitions?.dispose();
  }
}

/**
 * Keys as 96-bit hash records (three hash words and a payload) in PARTITIONS temp files, chosen
 * by the hash's top bits, so two sets of keys spilled this way meet partition by partition.
 */
export class HashPartitions {
  private readonly dir: string;
  private files: number[] = [];
  private buffers: Int32Array[] = [];
  private readonly fill = new Int32Array(PARTITIONS);
  // One records buffer and one slot table serve every partition, so reading them back does not
  // leave a partition's worth of garbage per partition.
  private records = new Int32Array(0);
  private slots = new Int32Array(0);
  /** Records written so far. */
  size = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'modelci-keys-'));
    for (let p = 0; p < PARTITIONS; p++) {
      this.files.push(openSync(join(this.dir, String(p)), 'w+'));
      this.buffers.push(new Int32Array(PARTITION_BUFFER * 4));
    }
  }

  add(key: string | number, payload: number): void {
    if (typeof key === 'number') hashNumber(key);
    else hash96(key);
    const p = HASH[0]! >>> (32 - PARTITION_BITS);
    const buffer = this.buffers[p]!;
    let at = this.fill[p]!;
    buffer[at++] = HASH[0]!;
    buffer[at++] = HASH[1]!;
    buffer[at++] = HASH[2]!;
    buffer[at++] = payload;
    if (at === buffer.length) {
      writeSync(this.files[p]!, buffer);
      at = 0;
    }
    this.fill[p] = at;
    this.size++;
  }

  /** Partition p's records (4 words each), in the order written; valid until the next read. Read each partition once. */
  read(p: number): Int32Array {
    const tail = this.buffers[p]!.subarray(0, this.fill[p]!);
    writeSync(this.files[p]!, tail);
    this.fill[p] = 0;
    const bytes = fstatSync(this.files[p]!).size;
    if (this.records.byteLength < bytes) this.records = new Int32Array(Math.ceil((bytes * 1.25) / 16) * 4);
    readSync(this.files[p]!, this.records, 0, bytes, 0);
    return this.records.subarray(0, bytes / 4);
  }

  /** A cleared power-of-two slot table at least twice the record count, shared between reads. */
  slotsFor(records: Int32Array): Int32Array {
    let size = 1;
    while (size < (records.length / 4) * 2) size <<= 1;
    if (this.slots.length < size) this.slots = new Int32Array(size);
    const slots = this.slots.subarray(0, size);
    slots.fill(0);
    return slots;
  }

  dispose(): void {
    for (const fd of this.files) closeSync(fd);
    this.files = [];
    this.buffers = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const HASH_PARTITIONS = PARTITIONS;

/** `slots`: a power-of-two table, at least twice the record count (record index + 1 per slot). */
function duplicatesIn(records: Int32Array, slots: Int32Array, limit: number): { count: number; first: Duplicate[] } {
  const n = records.length / 4;
  const mask = slots.length - 1;
  let count = 0;
  const first: Duplicate[] = [];
  for (let i = 0; i < n; i++) {
    const a = records[i * 4]!;
    const b = records[i * 4 + 1]!;
    const c = records[i * 4 + 2]!;
    let slot = (b ^ Math.imul(c, 0x9e3779b1)) & mask;
    for (;;) {
      const held = slots[slot]!;
      if (held === 0) {
        slots[slot] = i + 1;
        break;
      }
      const j = (held - 1) * 4;
      if (records[j] === a && records[j + 1] === b && records[j + 2] === c) {
        count++;
        if (first.length < limit) first.push({ rowNumber: records[i * 4 + 3]!, previous: records[j + 3]! });
        slots[slot] = i + 1; // the latest occurrence answers the next repeat
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { count, first };
}

const HASH = new Int32Array(3);
const FLOAT = new Float64Array(1);
const HALVES = new Int32Array(FLOAT.buffer);

/** A number's 64 bits mixed three ways (tagged so that it never equals a string's hash by design). */
function hashNumber(value: number): void {
  FLOAT[0] = value === 0 ? 0 : value; // -0 and 0 are the same key, as in a Map
  const lo = HALVES[0]!;
  const hi = HALVES[1]!;
  let h1 = Math.imul(lo ^ 0x27d4eb2f, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
  let h2 = Math.imul(hi ^ 0x165667b1, 0x85ebca6b) ^ Math.imul(lo, 0x27d4eb2f);
  let h3 = Math.imul(lo + hi, 0x9e3779b1) ^ 0x5bd1e995;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x7feb352d);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x846ca68b);
  h3 = Math.imul(h3 ^ (h3 >>> 13), 0x2c1b3c6d);
  HASH[0] = h1 ^ (h1 >>> 16);
  HASH[1] = h2 ^ (h2 >>> 16);
  HASH[2] = h3 ^ (h3 >>> 15);
}

/** Three independent 32-bit murmur-style hashes of a string's UTF-16 code units. */
export function hash96(key: string): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let h3 = 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x85ebca6b) ^ c;
    h3 = Math.imul(h3 ^ (c + i), 0xc2b2ae35);
  }
  h1 ^= key.length;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x7feb352d);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x846ca68b);
  h3 = Math.imul(h3 ^ (h3 >>> 15), 0x2c1b3c6d);
  h3 = Math.imul(h3 ^ (h3 >>> 12), 0x297a2d39);
  HASH[0] = h1 ^ (h1 >>> 16);
  HASH[1] = h2 ^ (h2 >>> 16);
  HASH[2] = h3 ^ (h3 >>> 15);
}
