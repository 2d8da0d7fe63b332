// "The process is shutting down": held polls answer, streams say `reconnect`.
// A Set of watchers rather than an AbortSignal's listeners: Node's EventTarget
// looks through every listener for a duplicate on each add and remove, so with
// thousands of held polls each poll paid for all the others (about a sixth of
// the sidecar's busy CPU in the soak's profile, docs/benchmarks.md).

export class Shutdown {
  private readonly watchers = new Set<() => void>();
  private begun = false;

  get aborted(): boolean {
    return this.begun;
  }

  /** Calls `fn` once when shutdown begins (at once if it has); the returned function stops watching. */
  watch(fn: () => void): () => void {
    if (this.begun) {
      fn();
      return () => {};
    }
    this.watchers.add(fn);
    return () => { this.watchers.delete(fn); };
  }

  begin(): void {
    if (this.begun) return;
    this.begun = true;
    const all = [...this.watchers];
    this.watchers.clear();
    for (const fn of all) fn();
  }

  get watching(): number {
    return this.watchers.size;
  }
}
