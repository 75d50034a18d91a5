/**
 * MIT's DIR credential cache collection (lib/krb5/ccache/cc_dir.c): a directory of FILE caches
 * named tkt*, and a file `primary` whose first line names the primary one. `DIR:/dir` is the
 * collection and resolves to its primary cache (the name "tkt" when there is no primary file yet),
 * `DIR::/dir/tktX` is one cache of it. A cache's MIT name is `:/dir/tktX`, so klist prints
 * "Ticket cache: DIR::/dir/tktX". Writing creates the directory (0700, last component only, as
 * verify_dir does) and, for the collection's primary, the primary file. The collection lists the
 * primary first, then the other tkt* files in directory order (MIT dcc_ptcursor_next readdir);
 * a new cache is a fresh tktXXXXXX file; switching rewrites `primary` atomically (0600).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Ccache } from './ccache-format.ts';
import type { CcacheCollection, CredentialCache } from './credential-cache.ts';
import { FileCache } from './file-cache.ts';

const isCacheFile = (name: string) => name.startsWith('tkt');

/** The primary file's cache file name ("tkt" when there is none yet); KRB_CCACHE when malformed. */
async function readPrimary(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, 'primary'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new KerberosError('KRB_CCACHE', `cannot read ${join(dir, 'primary')}: ${(e as Error).message}`, { ccache: `DIR:${dir}` }, { cause: e });
  }
  const nl = text.indexOf('\n');
  const line = nl === -1 ? '' : text.slice(0, nl);
  // cc_dir.c read_primary_file: one line, a tkt* name without a slash, at most 63 bytes.
  if (nl === -1 || nl > 62 || !isCacheFile(line) || line.includes('/') || line.includes('\\')) {
    throw new KerberosError('KRB_CCACHE', `${join(dir, 'primary')} contains invalid filename (MIT writes one line naming a tkt* file)`, { ccache: `DIR:${dir}` });
  }
  return line;
}

/** Writes `primary` atomically, mode 0600 (cc_dir.c write_primary_file). */
async function writePrimary(dir: string, file: string): Promise<void> {
  const tmp = join(dir, `primary.${randomBytes(4).toString('hex')}`);
  try {
    await fs.writeFile(tmp, `${file}\n`, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, join(dir, 'primary'));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new KerberosError('KRB_CCACHE', `cannot write ${join(dir, 'primary')}: ${(e as Error).message}`, { ccache: `DIR:${dir}` }, { cause: e });
  }
}

/** Creates the collection directory if missing (mode 0700, parents must exist, as MIT verify_dir). */
async function ensureDir(dir: string): Promise<void> {
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new KerberosError('KRB_CCACHE', `Credential cache directory ${dir} exists but is not a directory`, { ccache: `DIR:${dir}` });
  } catch (e) {
    if (e instanceof KerberosError) throw e;
    try {
      await fs.mkdir(dir, { mode: 0o700 });
    } catch (m) {
      if ((m as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KerberosError('KRB_CCACHE', `Credential cache directory ${dir} does not exist and cannot be created: ${(m as Error).message}`, { ccache: `DIR:${dir}` }, { cause: m });
      }
    }
  }
}

/** One cache of a directory collection: a FILE cache named `:/dir/tktX`. */
export class DirCache extends FileCache {
  /** Set for the collection's primary resolved from `DIR:/dir` when no primary file existed yet. */
  readonly #createsPrimary: boolean;

  constructor(path: string, createsPrimary = false) {
    super(path, 'DIR', `:${path}`);
    this.#createsPrimary = createsPrimary;
  }

  get directory(): string {
    return dirname(this.path);
  }

  override async write(cc: Ccache): Promise<void> {
    await ensureDir(this.directory);
    if (this.#createsPrimary && (await readPrimary(this.directory)) === undefined) await writePrimary(this.directory, basename(this.path));
    await super.write(cc);
  }
}

/** `residual` is `/dir` (the collection's primary) or `:/dir/tktX` (one cache). */
export async function openDirCache(residual: string): Promise<DirCache> {
  if (residual.startsWith(':')) return subsidiary(residual.slice(1));
  if (residual.length === 0) throw new KerberosError('KRB_CCACHE', `credential cache name 'DIR:' names no directory`, { ccache: 'DIR:' });
  const primary = await readPrimary(residual);
  return new DirCache(join(residual, primary ?? 'tkt'), primary === undefined);
}

function subsidiary(path: string): DirCache {
  const dir = dirname(path);
  if (!path.includes('/') || dir.length === 0) throw new KerberosError('KRB_CCACHE', `Subsidiary cache path ${path} has no parent directory`, { ccache: `DIR::${path}` });
  if (!isCacheFile(basename(path))) throw new KerberosError('KRB_CCACHE', `Subsidiary cache path ${path} filename does not begin with "tkt"`, { ccache: `DIR::${path}` });
  return new DirCache(path);
}

/** Cache file names in the directory, in readdir order (what MIT's cursor sees). */
async function cacheFiles(dir: string): Promise<string[]> {
  let handle;
  try {
    handle = await fs.opendir(dir);
  } catch {
    return [];
  }
  const names: string[] = [];
  for await (const entry of handle) if (isCacheFile(entry.name)) names.push(entry.name);
  return names;
}

/** The collection of `DIR:/dir`, or the singleton of `DIR::/dir/tktX` (MIT dcc_ptcursor_new). */
export function dirCollection(residual: string): CcacheCollection {
  const single = residual.startsWith(':');
  const dir = single ? dirname(residual.slice(1)) : residual;
  return {
    type: 'DIR',
    supportsSwitch: true,
    async list() {
      if (single) {
        const only = subsidiary(residual.slice(1));
        return (await only.exists()) ? [only] : [];
      }
      const primary = (await readPrimary(dir).catch(() => undefined)) ?? undefined;
      const out: CredentialCache[] = [];
      if (primary !== undefined) {
        const p = new DirCache(join(dir, primary));
        if (await p.exists()) out.push(p);
      }
      for (const name of await cacheFiles(dir)) if (name !== primary) out.push(new DirCache(join(dir, name)));
      return out;
    },
    async newUnique() {
      if (single) throw new KerberosError('KRB_CCACHE', `Can't create new subsidiary cache because default cache is already a subsidiary (DIR:${residual})`, { ccache: `DIR:${residual}` });
      await ensureDir(dir);
      // cc_dir.c dcc_gen_new: tktXXXXXX created exclusively, so two kinits never share one.
      for (let i = 0; i < 100; i++) {
        const path = join(dir, `tkt${randomBytes(6).toString('base64url').slice(0, 6)}`);
        try {
          await (await fs.open(path, 'wx', 0o600)).close();
          return new DirCache(path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new KerberosError('KRB_CCACHE', `cannot create a cache in ${dir}: ${(e as Error).message}`, { ccache: `DIR:${dir}` }, { cause: e });
        }
      }
      throw new KerberosError('KRB_CCACHE', `cannot find a free cache name in ${dir}`, { ccache: `DIR:${dir}` });
    },
    async switchTo(cache) {
      if (!(cache instanceof DirCache)) throw new KerberosError('KRB_CCACHE', `${cache.fullName} is not a cache of DIR:${dir}`, { ccache: cache.fullName });
      await ensureDir(cache.directory);
      await writePrimary(cache.directory, basename(cache.path));
    },
  };
}
