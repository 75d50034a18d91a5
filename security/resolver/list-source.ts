/**
 * Where a list (a whitelist, principal rules) comes from. A source reads the current text and may
 * push new text when it changes: the file source reads a file (Hadoop's FileBasedIPList), a
 * ZooKeeper source would read a znode and push on each watch event. A source never throws: a list
 * that cannot be read is a snapshot saying why, and the list's owner fails closed.
 */
import { promises as fs } from 'node:fs';

/** The list text, or why there is none. */
export type ListSnapshot =
  | { readonly available: true; readonly text: string }
  | { readonly available: false; readonly reason: string; readonly missing: boolean };

export interface ListSource {
  /** Where the list lives, for messages: a file path, a znode path. */
  readonly origin: string;
  /** The current list; never rejects. */
  read(): Promise<ListSnapshot>;
  /** Optional push: `onChange` receives each new snapshot; returns the unsubscribe function. */
  watch?(onChange: (snapshot: ListSnapshot) => void): () => void;
}

/** A list in a local file, read as UTF-8 (Hadoop's FileBasedIPList.readLines). */
export class FileListSource implements ListSource {
  readonly origin: string;

  constructor(path: string) {
    this.origin = path;
  }

  async read(): Promise<ListSnapshot> {
    try {
      const stat = await fs.stat(this.origin);
      if (!stat.isFile()) return { available: false, reason: 'not a regular file', missing: false };
      return { available: true, text: await fs.readFile(this.origin, 'utf8') };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { available: false, reason: code === 'ENOENT' ? 'no such file (ENOENT)' : `${code ?? 'error'}: ${(err as Error).message}`, missing: code === 'ENOENT' };
    }
  }
}
