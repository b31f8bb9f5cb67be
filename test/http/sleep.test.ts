import { describe, expect, it } from 'vitest';
import { sleep } from '../../shared/http/sleep.js';

describe('abortable sleep', () => {
  it('resolves after the wait', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
  });

  it('ends an hour-long wait at once when the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    const waiting = sleep(3_600_000, controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');
  });

  it('refuses to start on a signal that is already aborted', async () => {
    await expect(sleep(3_600_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  it('leaves no abort listener behind once it has slept', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (added++, add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (removed++, remove(...args))) as typeof remove;
    await sleep(1, signal);
    expect([added, removed]).toEqual([1, 1]);
  });
});
