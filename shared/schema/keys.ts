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
 * key's latest row, up to DENSE_LIMIT slots (8 MiB). A key that would stretch the range past it
 * moves the table's keys to the Map (or the spill files) and the tracker carries on from there.
 */
export interface Duplicate {
  rowNumber: number;
  /** The most recent earlier row with the same key (what frictionless-py reports). */
  previous: number;
}

const PARTITION_BITS = 6;
const PARTITIONS = 1 << PARTITION_BITS;
const PARTITION_BUFFER = 4096; // records per partition before a write
const DENSE_LIMIT = 1 << 21;

export class KeyTracker {
  private map: Map<string | number, number> | null = new Map();
  private partitions: HashPartitions | undefined;
  /** Latest row per integer key, at key - denseBase; 0 for none. */
  private dense: Int32Array | null = null;
  private denseBase = 0;
  private denseOff = false;

  constructor(private readonly budget: number = 1 << 18) {}

  get spilled(): boolean {
    return this.map === null;
  }

  /** The earlier row with this key when known now; 0 when new (or when the check is deferred). */
  add(key: string | number, rowNumber: number): number {
    if (typeof key === 'number' && !this.denseOff && Number.isInteger(key)) {
      const at = this.denseSlot(key);
      if (at >= 0) {
        const dense = this.dense!;
        const previous = dense[at]!;
        dense[at] = rowNumber;
        return previous;
      }
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

  /** The key's slot in the dense table, widening it as needed; -1 once the range is too wide. */
  private denseSlot(key: number): number {
    let dense = this.dense;
    if (dense === null) {
      this.denseBase = key;
      dense = this.dense = new Int32Array(1024);
    }
    const at = key - this.denseBase;
    if (at >= 0 && at < dense.length) return at;
    const low = Math.min(this.denseBase, key);
    const high = Math.max(this.denseBase + dense.length, key + 1);
    if (high - low > DENSE_LIMIT) {
      this.leaveDense();
      return -1;
    }
    let size = dense.length;
    while (size < high - low) size *= 2;
    size = Math.min(size, DENSE_LIMIT);
    const base = key < this.denseBase ? high - size : low;
    const wider = new Int32Array(size);
    wider.set(dense, this.denseBase - base);
    this.dense = wider;
    this.denseBase = base;
    return key - base;
  }

  /** Hands the dense table's keys (each with its latest row) to the Map or the spill files. */
  private leaveDense(): void {
    const dense = this.dense!;
    this.dense = null;
    this.denseOff = true;
    let count = 0;
    for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) count++;
    // Straight to the spill files when the Map could not hold them all.
    if (this.map && this.map.size + count > this.budget) this.spill();
    for (let i = 0; i < dense.length; i++) {
      const row = dense[i]!;
      if (row === 0) continue;
      if (this.map) this.map.set(this.denseBase + i, row);
      else this.record(this.denseBase + i, row);
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
    this.dense = null;
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
