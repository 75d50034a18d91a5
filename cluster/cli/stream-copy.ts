/**
 * Copying a stream into one that stays open for what follows: stdout across every operand of
 * -cat, -text, -head and -tail -f, or the append stream across every source of -appendToFile.
 * stream.pipeline with `{ end: false }` leaves its listeners on the destination (Node 20: two
 * 'error', two 'close' and one 'finish' per call), so past ten files Node printed a
 * MaxListenersExceededWarning on stderr, and a .deflate file of many zlib streams grew them without
 * bound. Here the destination holds one 'error' listener while a copy runs, and 'drain' is awaited
 * when it is full.
 */
import type { Writable } from 'node:stream';
import { HsecError } from '../../lib/errors/index.ts';

/**
 * Writes every chunk of `source` to `data`; a failure of either (stdout's EPIPE included) rejects.
 * A destination destroyed before or while the copy runs (an append the NameNode refused before
 * this copy began) ends it with the destination's error: a destroyed stream emits no 'drain' and
 * no second 'error', so waiting for either would hang.
 */
export async function copyInto(source: AsyncIterable<Uint8Array | string>, data: NodeJS.WritableStream): Promise<void> {
  const dest = data as Writable;
  let failure: { error: unknown } | undefined;
  const onError = (error: unknown) => (failure ??= { error });
  const checkOpen = () => {
    if (!failure && dest.destroyed) failure = { error: dest.errored ?? new HsecError('FILE_IO', 'The destination stream was closed during the copy') };
  };
  dest.on('error', onError);
  try {
    for await (const chunk of source) {
      checkOpen();
      if (failure) break;
      if (!dest.write(chunk) && !dest.destroyed) await drainOrClose(dest);
    }
    checkOpen();
    if (failure) throw failure.error;
  } finally {
    dest.off('error', onError);
  }
}

/** 'drain', or 'close' of a stream destroyed meanwhile (an error destroys it); no listener is left behind. */
function drainOrClose(dest: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      dest.off('drain', done);
      dest.off('close', done);
      resolve();
    };
    dest.on('drain', done);
    dest.on('close', done);
  });
}
