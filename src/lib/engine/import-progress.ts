/**
 * Throttled import progress: rows, bytes, rows per second and an ETA from the bytes still to
 * read, sent at most about ten times a second (each report crosses the worker boundary).
 */
import type { ImportProgress } from './api';

const MIN_INTERVAL_MS = 100;

export class ImportProgressReporter {
  private startedAt: number;
  private lastSent = -Infinity;
  rows = 0;
  bytesRead = 0;

  constructor(
    private readonly importId: string,
    private readonly totalBytes: number,
    private readonly clock: () => number,
    private readonly send?: (p: ImportProgress) => void
  ) {
    this.startedAt = clock();
  }

  report(phase: ImportProgress['phase'], force = false): void {
    if (!this.send) return;
    const t = this.clock();
    if (!force && t - this.lastSent < MIN_INTERVAL_MS) return;
    this.lastSent = t;
    const seconds = Math.max(0.001, (t - this.startedAt) / 1000);
    const bytesPerSecond = this.bytesRead / seconds;
    const left = this.totalBytes - this.bytesRead;
    const etaSeconds =
      phase === 'done'
        ? 0
        : phase === 'reading' && this.bytesRead > 0 && bytesPerSecond > 0
          ? left / bytesPerSecond
          : null;
    try {
      this.send({
        importId: this.importId,
        phase,
        rows: this.rows,
        bytesRead: this.bytesRead,
        totalBytes: this.totalBytes,
        rowsPerSecond: Math.round(this.rows / seconds),
        etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds * 10) / 10
      });
    } catch {
      // A page that went away must not break the import.
    }
  }
}
