/**
 * The FILE credential cache (MIT cc_file.c) behind the CredentialCache interface: the MIT file
 * format of ./ccache-format.ts, written whole, atomically, mode 0600 (readers never see half a
 * file); destroyed as MIT does, overwritten with zeros and unlinked. A last record cut short (MIT
 * kinit appending at that moment) is skipped, the tickets before it kept (Ccache.partialRecord).
 * The FILE collection holds just this cache when it exists (MIT fcc_ptcursor_next).
 */
import { promises as fs } from 'node:fs';
import { KerberosError } from '../../../lib/errors/index.ts';
import { osReason } from '../../../lib/fs/file-errors.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { Credential } from '../types.ts';
import type { Ccache } from './ccache-format.ts';
import { readCcache, storeCredential, writeCcache } from './ccache.ts';
import type { CcacheType } from './ccache-name.ts';
import type { CcacheCollection, CredentialCache } from './credential-cache.ts';

const log = getLogger('kerberos.ccache');

/** Overwrites a cache file with zeros, then unlinks it (MIT kdestroy); false when there is none. */
export async function destroyCacheFile(path: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(path, 'destroy', e);
  }
  try {
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(size), 0, size, 0);
    await handle.sync();
  } catch (e) {
    throw ioError(path, 'destroy', e);
  } finally {
    await handle.close();
  }
  try {
    await fs.unlink(path);
  } catch (e) {
    throw ioError(path, 'destroy', e);
  }
  return true;
}

function ioError(path: string, what: string, e: unknown): KerberosError {
  const hint = what === 'write' ? '; check KRB5CCNAME (kinit -c) names a file in a directory you can write to' : '';
  return new KerberosError('KRB_CCACHE', `cannot ${what} credential cache ${path}: ${osReason(e)}${hint}`, { ccache: path }, { cause: e });
}

/** A file cache presented as `type` (FILE, or DIR for a directory collection's member). */
export class FileCache implements CredentialCache {
  readonly type: CcacheType;
  readonly name: string;
  readonly path: string;

  constructor(path: string, type: CcacheType = 'FILE', name = path) {
    this.path = path;
    this.type = type;
    this.name = name;
  }

  get fullName(): string {
    return `${this.type}:${this.name}`;
  }

  async read(): Promise<Ccache> {
    const cc = await readCcache(this.path);
    if (cc.partialRecord) {
      // Routine while a writer appends (MIT says nothing); callers see Ccache.partialRecord, hsec klist warns.
      log.debug({ ccache: this.fullName, offset: cc.partialRecord.offset, bytes: cc.partialRecord.bytes }, 'ignoring a partial credential at the end of the cache');
    }
    return cc;
  }

  async write(cc: Ccache): Promise<void> {
    try {
      await writeCcache(this.path, cc);
    } catch (e) {
      throw e instanceof KerberosError ? e : ioError(this.path, 'write', e);
    }
  }

  async store(cred: Credential): Promise<void> {
    await this.write(storeCredential(await this.read(), cred));
  }

  destroy(): Promise<boolean> {
    return destroyCacheFile(this.path);
  }

  async changeStamp(): Promise<string | undefined> {
    try {
      const s = await fs.stat(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  /** True when the file exists. */
  async exists(): Promise<boolean> {
    return (await this.changeStamp()) !== undefined;
  }
}

export function openFileCache(path: string): FileCache {
  return new FileCache(path);
}

/** MIT's FILE collection: the default cache alone, if it exists; no switching. */
export function fileCollection(path: string): CcacheCollection {
  const cache = new FileCache(path);
  return {
    type: 'FILE',
    supportsSwitch: false,
    list: async () => ((await cache.exists()) ? [cache] : []),
    newUnique: () => Promise.reject(new KerberosError('KRB_CCACHE', `a FILE cache (${path}) is not a collection: it cannot hold a second cache; use DIR:, KEYRING: or KCM: for several principals`, { ccache: `FILE:${path}` })),
    switchTo: () => Promise.reject(new KerberosError('KRB_CCACHE', `a FILE cache (${path}) has no primary to switch`, { ccache: `FILE:${path}` })),
  };
}
