/**
 * Bounds a wait: `withTimeout(p, ms, onTimeout)` settles as `p` does, or rejects with
 * `onTimeout()` after `ms` milliseconds; the timer never keeps the process alive.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
