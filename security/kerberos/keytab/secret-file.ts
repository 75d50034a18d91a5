/**
 * Reading files that hold secrets (keytabs, credential caches): every read or parse error names the
 * file. Writing them (0600, atomic) is lib/fs/secret-file.ts.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { KerberosError } from '../../../lib/errors/index.ts';

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
