/**
 * Writing files that hold secrets (keytabs, credential caches): mode 0600 from the first byte,
 * written to a temp file in the same directory, fsynced, then renamed over the target so readers
 * (MIT klist, a JVM, a renewing daemon) never see a half-written file. Reading them back names the
 * file in every error.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { KerberosError } from '../../../lib/errors/index.ts';
import { basename, dirname, join } from 'node:path';

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Atomically replaces `path` with `data`, mode 0600. */
export async function writeSecretFile(path: string, data: Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.chmod(0o600); // in case the umask or an inherited ACL widened it
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Synchronous form of writeSecretFile. */
export function writeSecretFileSync(path: string, data: Uint8Array): void {
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

/**
 * How a secret file is read back: its parser, the error for an unreadable file, and the details
 * key (`keytab`, `ccache`) under which a parse error names the path.
 */
export interface SecretFileReader<T> {
  readonly detailKey: string;
  parse(bytes: Buffer, path: string): T;
  readError(path: string, e: unknown): KerberosError;
}

function parseNamed<T>(reader: SecretFileReader<T>, bytes: Buffer, path: string): T {
  try {
    return reader.parse(bytes, path);
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    throw new KerberosError(e.code, `${path}: ${e.message}`, { ...e.details, [reader.detailKey]: path }, { cause: e });
  }
}

/** Reads and parses a secret file; read failures and parse errors both name the path. */
export async function readSecretFile<T>(path: string, reader: SecretFileReader<T>): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw reader.readError(path, e);
  }
  return parseNamed(reader, bytes, path);
}

/** Synchronous readSecretFile. */
export function readSecretFileSync<T>(path: string, reader: SecretFileReader<T>): T {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw reader.readError(path, e);
  }
  return parseNamed(reader, bytes, path);
}
