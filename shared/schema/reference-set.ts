import { HASH_PARTITIONS, HashPartitions } from './keys.js';

/**
 * The keys a foreign key may point at, in bounded memory: up to `budget` keys in an exact Set;
 * past it, every key becomes a 96-bit hash record in HashPartitions (the unique checks' spill),
 * and lookups against it are answered at the end, partition by partition (see ForeignKeyProbe).
 */
export class ReferenceSet {
  private exact: Set<string | number> | null = new Set();
  partitions: HashPartitions | undefined;

  constructor(private readonly budget: number = 1 << 17) {}

  get spilled(): boolean {
    return this.exact === null;
  }

  add(key: string | number): void {
    const exact = this.exact;
    if (exact === null) {
      this.partitions!.add(key, 0);
      return;
    }
    exact.add(key);
    if (exact.size > this.budget) {
      this.partitions = new HashPartitions();
      for (const held of exact) this.partitions.add(held, 0);
      this.exact = null;
    }
  }

  /** Exact membership; only before spilling. */
  has(key: string | number): boolean {
    return this.exact!.has(key);
  }

  dispose(): void {
    this.partitions?.dispose();
    this.partitions = undefined;
  }
}

/**
 * The lookups of one foreign key against a ReferenceSet. Exact sets answer at once; against a
 * spilled set each key is recorded with its row in partitions of its own and checked in finish().
 */
export class ReferenceProbe {
  private probes: HashPartitions | undefined;

  constructor(readonly set: ReferenceSet) {}

  /** True or false now; undefined when the answer waits for finish(). */
  check(key: string | number, rowNumber: number): boolean | undefined {
    if (!this.set.spilled) return this.set.has(key);
    (this.probes ??= new HashPartitions()).add(key, rowNumber);
    return undefined;
  }

  /** The deferred misses: their count and the first `limit` row numbers, in row order. */
  finish(limit: number): { count: number; rows: number[] } {
    const probes = this.probes;
    if (!probes) return { count: 0, rows: [] };
    const referenced = this.set.partitions!;
    let count = 0;
    let rows: number[] = [];
    try {
      for (let p = 0; p < HASH_PARTITIONS; p++) {
        const keys = referenced.read(p);
        const slots = referenced.slotsFor(keys);
        fillSlots(keys, slots);
        const asked = probes.read(p);
        const missed: number[] = [];
        for (let i = 0; i < asked.length; i += 4) {
          if (contains(keys, slots, asked[i]!, asked[i + 1]!, asked[i + 2]!)) continue;
          count++;
          if (missed.length < limit) missed.push(asked[i + 3]!);
        }
        if (missed.length > 0) {
          rows = rows.concat(missed).sort((a, b) => a - b);
          if (rows.length > limit) rows.length = limit;
        }
      }
    } finally {
      probes.dispose();
      this.probes = undefined;
    }
    return { count, rows };
  }

  dispose(): void {
    this.probes?.dispose();
    this.probes = undefined;
  }
}

function slotOf(b: number, c: number, mask: number): number {
  return (b ^ Math.imul(c, 0x9e3779b1)) & mask;
}

/** Open addressing over the records (record index + 1 per slot); repeats keep one slot. */
function fillSlots(records: Int32Array, slots: Int32Array): void {
  const mask = slots.length - 1;
  for (let i = 0; i < records.length; i += 4) {
    const a = records[i]!;
    const b = records[i + 1]!;
    const c = records[i + 2]!;
    let slot = slotOf(b, c, mask);
    for (;;) {
      const held = slots[slot]!;
      if (held === 0) {
        slots[slot] = i / 4 + 1;
        break;
      }
      const j = (held - 1) * 4;
      if (records[j] === a && records[j + 1] === b && records[j + 2] === c) break;
      slot = (slot + 1) & mask;
    }
  }
}

function contains(records: Int32Array, slots: Int32Array, a: number, b: number, c: number): boolean {
  const mask = slots.length - 1;
  let slot = slotOf(b, c, mask);
  for (;;) {
    const held = slots[slot]!;
    if (held === 0) return false;
    const j = (held - 1) * 4;
    if (records[j] === a && records[j + 1] === b && records[j + 2] === c) return true;
    slot = (slot + 1) & mask;
  }
}
