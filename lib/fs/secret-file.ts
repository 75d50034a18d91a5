/**
 * Writing files that hold secrets (keytabs, credential caches, token storage files): mode 0600 from
 * the first byte, written to a temp file in the same directory, fsynced, then renamed over the
 * target so readers (MIT klist, a JVM, a renewing daemon) never see a half-written file. The temp
 * file is removed when any step fails; the caller turns the OS error into its typed error.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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
