/**
 * How a Ctrl-C (SIGINT/SIGTERM) is handled right now. Until a command has something to wind down (workers,
 * the run lock, a scratch folder), nothing has been written, so pipe exits 130 at once — a long hash of a
 * data file or a slow config load never keeps it waiting. A command that owns such state says so with
 * `windDownOnInterrupt()`; from then on the signal aborts its AbortSignal and the command stops its workers,
 * keeps finished units, releases the lock and exits 130 itself.
 */
let graceful = false;

export function windDownOnInterrupt(): void {
  graceful = true;
}

export function windsDown(): boolean {
  return graceful;
}
