/**
 * V8's garbage collector tuned for a process that moves bulk data (docs/performance.md, "Garbage
 * collection and bulk data"). Every 64 KiB packet a client or DataNode sends or receives is a Buffer
 * whose memory lives outside the V8 heap, and V8 counts that memory against the old generation's
 * limit. At a few hundred MB/s the small heap of such a process (about 16 MB live) reaches the limit's
 * soft mark every few dozen MB, and V8 starts an incremental major collection each time: in a 64 MiB
 * write, 30 to 60 of them. Measured on the bench machine, that was a third to half of the client's
 * CPU, and more of it with AES/CTR, whose ciphertext doubles the Buffers. With incremental marking
 * off, V8 collects the old generation only when it is full (twice per 512 MB) and the young
 * generation frees the Buffers as before: plaintext read and write ran about twice as fast.
 *
 * The flag is process-wide, so only a process that owns its runtime sets it: `hsec datanode`,
 * `hsec fs` and `hsec start` (cluster/cli), not the library's DataNode or client classes. The NameNode
 * keeps incremental marking: its heap holds the namespace, where an atomic collection would pause
 * every RPC. An operator who wrote `--incremental-marking` or `--no-incremental-marking` on node's
 * command line keeps that choice. A Node service using the client library chooses for itself
 * (`node --no-incremental-marking`, or this function at start-up).
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = 'incremental-marking';

/** What `preferBulkDataGc` does with node's command line `execArgv`. */
export type BulkDataGcChoice =
  /** incremental marking is turned off */
  | 'off'
  /** node's command line already says --incremental-marking or --no-incremental-marking; left as it is */
  | 'operator';

/** The decision alone: `operator` when node's command line names the flag (either polarity, `-` or `_`). */
export function bulkDataGcChoice(execArgv: readonly string[]): BulkDataGcChoice {
  const named = execArgv.some((a) => {
    const name = a.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');
    return name === FLAG || name === `no-${FLAG}`;
  });
  return named ? 'operator' : 'off';
}

/**
 * Turns V8's incremental marking off for this process unless node's command line chose already;
 * returns what it did. Call it once, before the data moves.
 */
export function preferBulkDataGc(execArgv: readonly string[] = process.execArgv): BulkDataGcChoice {
  const choice = bulkDataGcChoice(execArgv);
  if (choice === 'off') setFlagsFromString(`--no-${FLAG}`);
  return choice;
}
