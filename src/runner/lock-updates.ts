/**
 * pipeline.lock updates from stages that finish side by side: each finished stage sets its entry and the
 * whole lock is rewritten (atomically, by writeLock), one write at a time, in finishing order.
 */
import { writeLock, type LockFile } from '../cache/lock-file.js';

export class LockUpdates {
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    readonly lock: LockFile,
  ) {}

  set(stage: string, entry: LockFile['stages'][string]): Promise<void> {
    this.lock.stages[stage] = entry;
    this.writes = this.writes.then(() => writeLock(this.file, this.lock));
    return this.writes;
  }
}
