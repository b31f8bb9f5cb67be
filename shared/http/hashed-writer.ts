import { createHash } from 'node:crypto';
import { write } from 'node:fs';

const SLOT_BYTES = 1 << 20;
const SLOTS = 8;

/**
 * Hashes each chunk on the calling thread and writes a copy of it on libuv's thread pool, so the
 * disk write of one chunk overlaps with reading and hashing the next (writing on the main thread
 * took most of a GiB pull's time). At most `SLOTS` copies are in flight: memory stays at 8 MiB.
 * Writes go to explicit offsets from zero, so a restarted download takes a new writer on the same fd.
 */
export class HashedWriter {
  private readonly hash = createHash('sha256');
  private readonly free: Buffer[] = [];
  private bytes = 0;
  private inFlight = 0;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly fd: number,
    private readonly onBytes?: (bytes: number) => void,
  ) {}

  /** Takes the chunk's bytes before it returns. A promise means: wait for it before the next chunk. */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.error) throw this.error;
    this.hash.update(chunk);
    const slot = chunk.length <= SLOT_BYTES ? (this.free.pop() ?? Buffer.allocUnsafe(SLOT_BYTES)) : Buffer.allocUnsafe(chunk.length);
    chunk.copy(slot);
    this.inFlight++;
    this.writeAt(slot, 0, chunk.length, this.bytes);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    if (this.inFlight < SLOTS) return undefined;
    return this.settledOne().then(() => {
      if (this.error) throw this.error;
    });
  }

  private writeAt(slot: Buffer, offset: number, length: number, position: number): void {
    write(this.fd, slot, offset, length, position, (error, written) => {
      if (!error && written < length) return this.writeAt(slot, offset + written, length - written, position + written);
      this.error ??= error ?? undefined;
      this.inFlight--;
      if (slot.length === SLOT_BYTES) this.free.push(slot);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  private settledOne(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Waits for every write; the digest and size of everything written, or the first write error. */
  async finish(): Promise<{ digest: string; bytes: number }> {
    while (this.inFlight > 0) await this.settledOne();
    if (this.error) throw this.error;
    return { digest: `sha256:${this.hash.digest('hex')}`, bytes: this.bytes };
  }
}
