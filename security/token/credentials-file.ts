/**
 * Reading and writing Credentials token storage files (`Credentials.readTokenStorageFile` /
 * `writeTokenStorageFile`). Files hold secrets, so they are written with mode
 * 0600 atomically: a temporary file in the same directory, fsync, then rename over the target.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Credentials } from './credentials.ts';
import type { CredentialsFormat } from './credentials.ts';
import { fileError } from '../../lib/fs/file-errors.ts';

/** Writes `data` to `path` with mode 0600 via temp file + fsync + rename. */
export async function writeFileAtomic0600(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.chmod(0o600);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Reads a token storage file of either format. A file that cannot be read is a FileError
 * (FILE_NOT_FOUND, FILE_ACCESS, FILE_IO) naming it; bytes that are not a token file are
 * TOKEN_BAD_FORMAT.
 */
export async function readTokenStorageFile(path: string): Promise<Credentials> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw fileError('read token file', path, e, 'check the path (fetchdt or dtutil get writes one)');
  }
  return Credentials.decode(bytes, path);
}

/** Writes a token storage file (0600, atomic); WRITABLE format unless asked, as Hadoop's default. */
export async function writeTokenStorageFile(path: string, creds: Credentials, format: CredentialsFormat = 'writable'): Promise<void> {
  await writeFileAtomic0600(path, creds.encode(format));
}
