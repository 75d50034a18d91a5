/**
 * Typed errors for the journal + snapshot stores kept on a local file system (the NameNode's
 * delegation-token store and its namespace): every OS error (ENOSPC, EROFS, ENOTDIR, EIO ...)
 * becomes a `StorageError` (code STORAGE_IO, Hadoop: IOException) that names the store, the path,
 * the OS error, the configuration key that chose the directory, and what to do. A corrupted file is
 * a ProtocolError (PROTOCOL_MALFORMED) naming the file instead.
 */
import { ProtocolError, StorageError } from '../errors/index.ts';

/** Which store a directory holds and where it came from, for messages. */
export interface StorageOrigin {
  /** The configuration key that names the directory, if any (`dfs.namenode.name.dir`). */
  configKey?: string | undefined;
  /** What the store holds, for messages: "delegation token store", "namespace". */
  label?: string | undefined;
  /** What moving a corrupted store aside costs, e.g. "invalidates every token issued so far". */
  lossOnReset?: string | undefined;
}

function advice(errno: string | undefined, origin: StorageOrigin): string {
  const where = origin.configKey ? `${origin.configKey} at` : 'the store at';
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `Free space on that file system, or point ${where} a local directory with room.`;
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return `Make the directory writable for this user, or point ${where} a writable local directory.`;
    case 'ENOTDIR':
    case 'EEXIST':
    case 'EISDIR':
      return `A component of the path is not a directory: point ${where} a directory.`;
    default:
      return `Check the file system, or point ${where} another local directory.`;
  }
}

function osError(cause: unknown): { errno: string | undefined; syscall: string | undefined; text: string } {
  const e = cause as NodeJS.ErrnoException;
  return { errno: typeof e?.code === 'string' ? e.code : undefined, syscall: e?.syscall, text: e instanceof Error ? e.message : String(cause) };
}

/** The store at `path` cannot be opened or created (daemon start). */
export function storeUnusable(path: string, cause: unknown, origin: StorageOrigin): StorageError {
  const os = osError(cause);
  const from = origin.configKey ? ` (${origin.configKey})` : '';
  return new StorageError('STORAGE_IO', `Cannot use the ${origin.label ?? 'store'} ${path}${from}: ${os.text}. ${advice(os.errno, origin)}`, {
    path, errno: os.errno, syscall: os.syscall, configKey: origin.configKey, operation: 'open',
  }, { cause });
}

/** A change (`what`, e.g. "cancel of token 42") could not be made durable; nothing changed. */
export function writeFailed(what: string, path: string, cause: unknown, origin: StorageOrigin): StorageError {
  const os = osError(cause);
  return new StorageError('STORAGE_IO', `Could not persist the ${what} to ${path}: ${os.text}; nothing was changed. ${advice(os.errno, origin)}`, {
    path, errno: os.errno, syscall: os.syscall, configKey: origin.configKey, operation: what,
  }, { cause });
}

/** A store file does not follow its format. */
export function storeCorrupt(path: string, what: string, origin: StorageOrigin, cause?: unknown, offset?: number): ProtocolError {
  const label = origin.label ?? 'store';
  const loss = origin.lossOnReset ? ` (moving it aside ${origin.lossOnReset})` : '';
  return new ProtocolError('PROTOCOL_MALFORMED',
    `${label[0]!.toUpperCase()}${label.slice(1)} file ${path} ${what}; restore the directory from a backup or move it aside${loss}`,
    { path, offset }, { cause });
}
