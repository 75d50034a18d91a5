/**
 * Node's file-system errors as typed FileErrors: ENOENT is FILE_NOT_FOUND, EACCES/EPERM/EROFS are
 * FILE_ACCESS, anything else (ENOSPC, ENOTDIR, EISDIR, EIO ...) FILE_IO. The message names the
 * path, what was being done and the OS reason, plus a hint the caller supplies (which option or
 * key names the path), so a failure is never a bare "ENOENT" with a stack.
 */
import { FileError, type ErrorCode } from '../errors/index.ts';

const ACCESS = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The stable code for a Node fs error code. */
export function fileErrorCode(osCode: string | undefined): ErrorCode {
  if (osCode === 'ENOENT') return 'FILE_NOT_FOUND';
  if (osCode !== undefined && ACCESS.has(osCode)) return 'FILE_ACCESS';
  return 'FILE_IO';
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
};

/**
 * The OS reason of a file-system error in words, with its code ("no such file or directory
 * (ENOENT)"), without Node's "open '/x/.tmp'" detail; other errors by their message.
 */
export function osReason(cause: unknown): string {
  const os = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = (os && REASONS[os]) ?? (cause instanceof Error ? cause.message : String(cause));
  return `${reason}${os ? ` (${os})` : ''}`;
}

/**
 * Wraps `cause` (usually a NodeJS.ErrnoException) for `action` ("read token file", "create name
 * directory") on `path`; `hint` says what to do or which setting names the path.
 */
export function fileError(action: string, path: string, cause: unknown, hint?: string, details: Record<string, string> = {}): FileError {
  const os = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = `Cannot ${action} ${path}: ${osReason(cause)}${hint ? `; ${hint}` : ''}`;
  return new FileError(fileErrorCode(os), message, { path, ...(os ? { osError: os } : {}), ...details }, { cause });
}
