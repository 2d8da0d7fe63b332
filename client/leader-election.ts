/**
 * One leader among this visitor's tabs, through the Web Locks API: the tab
 * holding the lock runs the connection; when it closes, the browser releases
 * the lock and the next waiting tab takes over. Without Web Locks every tab
 * leads itself, which is correct, only heavier.
 */
export function electLeader(name: string, onLeader: () => void): () => void {
  const controller = new AbortController();
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (!locks) {
    queueMicrotask(() => !controller.signal.aborted && onLeader());
    return () => controller.abort();
  }
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  locks
    .request(name, { signal: controller.signal }, () => {
      if (controller.signal.aborted) return;
      onLeader();
      return held;
    })
    .catch(() => {
      // AbortError when we resign before ever leading.
    });
  return () => {
    controller.abort();
    release();
  };
}
