/**
 * Polling for a condition a test cannot await directly (a server's counters, a process gone):
 * resolves with whether `cond` held within `timeoutMs`, checking every 10 ms.
 */
export async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return cond();
}
