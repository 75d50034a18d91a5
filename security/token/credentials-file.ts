/**
 * Reading and writing Credentials token storage files (`Credentials.readTokenStorageFile` /
 * `writeTokenStorageFile`). Files hold secrets, so they are written with mode
 * 0600 atomically (lib/fs/secret-file.ts).
 */
import { readFile } from 'node:fs/promises';
import { Credentials } from './credentials.ts';
import type { CredentialsFormat } from './credentials.ts';
import { fileError } from '../../lib/fs/file-errors.ts';
import { writeSecretFile } from '../../lib/fs/secret-file.ts';

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

/**
 * Writes a token storage file (0600, atomic); WRITABLE format unless asked, as Hadoop's default. A
 * file that cannot be written (no such directory, permission, a directory in the way) is a
 * FileError naming it.
 */
export async function writeTokenStorageFile(path: string, creds: Credentials, format: CredentialsFormat = 'writable'): Promise<void> {
  try {
    await writeSecretFile(path, creds.encode(format));
  } catch (e) {
    throw fileError('write token file', path, e, 'choose a path in an existing directory you can write to');
  }
}
