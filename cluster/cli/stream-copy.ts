/**
 * Copying a stream into one that stays open for what follows: stdout across every operand of
 * -cat, -text, -head and -tail -f, or the append stream across every source of -appendToFile.
 * stream.pipeline with `{ end: false }` leaves its listeners on the destination (Node 20: two
 * 'error', two 'close' and one 'finish' per call), so past ten files Node printed a
 * MaxListenersExceededWarning on stderr, and a .deflate file of many zlib streams grew them without
 * bound. Here the destination holds one 'error' listener while a copy runs, and 'drain' is awaited
 * when it is full.
 */
import { once } from 'node:events';

/** Writes every chunk of `source` to `data`; a failure of either (stdout's EPIPE included) rejects. */
export async function copyInto(source: AsyncIterable<Uint8Array | string>, data: NodeJS.WritableStream): Promise<void> {
  let failure: { error: unknown } | undefined;
  const onError = (error: unknown) => (failure ??= { error });
  data.on('error', onError);
  try {
    for await (const chunk of source) {
      if (failure) break;
      if (!data.write(chunk)) await once(data as NodeJS.EventEmitter, 'drain');
    }
    if (failure) throw failure.error;
  } finally {
    data.off('error', onError);
  }
}
