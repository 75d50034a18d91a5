/**
 * `-p` of `hsec fs -put`/`-copyFromLocal`/`-moveFromLocal`, `-get`/`-copyToLocal` and `-cp`, after
 * Hadoop's CommandWithDestination.preserveAttributes: after a file is copied (and after a
 * directory's entries are), the target gets the source's times (setTimes(mtime, atime)), then its
 * owner and group (setOwner), then its permission (setPermission), in that order, each stopping the
 * rest when refused. Into HDFS these are the NameNode's calls, so a caller who may not give the file
 * away gets the NameNode's AccessControlException ("User alice is not a super user (non-super user
 * cannot change owner).") with the file copied and its times already set, exactly as with Hadoop.
 * Into the local file system they are RawLocalFileSystem's: the times through the file's attributes,
 * the owner by running `chown OWNER:GROUP FILE` (its first line of error output is the message), the
 * mode as chmod. A local source's owner and group are the names `stat` gives (getpwuid, as NativeIO's
 * fstat), its permission the mode's low nine bits and the sticky bit (FsPermission). `-cp -p[topax]`
 * picks attributes by letter (Cp.popPreserveOption); `a` (ACLs) sets the permission and then, for an
 * HDFS source with an ACL, its full ACL on the target (getAclStatus, AclUtil.getAclFromPermAndEntries,
 * setAcl), and `x` copies the source's extended attributes: getXAttrs of the source (all the caller
 * may see: user, and trusted for the superuser; raw ones only under /.reserved/raw, which hsec does
 * not serve) and one setXAttr (CREATE|REPLACE) per attribute, in the HashMap order Hadoop iterates
 * them, an attribute without a value set with an empty one. A local source has none to read
 * (RawLocalFileSystem "doesn't support getXAttrs").
 */
import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { chmod, stat, utimes } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { FileSystemError, HsecError } from '../../lib/errors/index.ts';
import { fileError } from '../../lib/fs/file-errors.ts';
import type { FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { aclFromPermAndEntries } from '../protocol/acl-entry.ts';
import { javaHashMapOrder } from './fs-xattr.ts';
import { UsageError } from './usage.ts';

const run = promisify(execFile);

/** CommandWithDestination.FileAttribute by its letter: Timestamps, Ownership, Permission, Acl, Xattr. */
export type Preserve = ReadonlySet<'t' | 'o' | 'p' | 'a' | 'x'>;

/** setPreserve(true): timestamps, ownership, permission. */
export const PRESERVE_ALL: Preserve = new Set(['t', 'o', 'p']);

/** What -p carries over, from either file system. */
export interface Attributes {
  readonly mtime: number;
  readonly atime: number;
  readonly owner: string;
  readonly group: string;
  readonly permission: number;
  /** an HDFS source with an ACL: its path, whose ACL -pa copies */
  readonly aclSource?: string;
  /** an HDFS source: its path, whose xattrs -px copies */
  readonly xattrSource?: string;
}

export function hdfsAttributes(s: FileStatus): Attributes {
  return { mtime: s.modificationTime, atime: s.accessTime, owner: s.owner, group: s.group, permission: s.permission, xattrSource: s.path, ...(s.hasAcl ? { aclSource: s.path } : {}) };
}

/** RawLocalFileSystem's status of a local path: times in ms, owner and group names, FsPermission of the mode. */
export async function localAttributes(path: string, st: Stats): Promise<Attributes> {
  let names: string;
  try {
    names = (await run('stat', ['-L', '-c', '%U:%G', '--', path])).stdout.trim();
  } catch (e) {
    throw fileError('read the owner of', path, e);
  }
  const colon = names.lastIndexOf(':');
  return { mtime: Math.floor(st.mtimeMs), atime: Math.floor(st.atimeMs), owner: names.slice(0, colon), group: names.slice(colon + 1), permission: st.mode & 0o1777 };
}

/**
 * Cp.popPreserveOption: the first argument starting with `-p` (before `--`) comes out of `args`;
 * `-p` alone is timestamps, ownership and permission, `-pXYZ` the attributes named.
 */
export function popPreserveOption(args: string[], usage: string): Preserve | undefined {
  const i = args.findIndex((a, n) => a.startsWith('-p') && !args.slice(0, n).includes('--'));
  if (i < 0) return undefined;
  const [arg] = args.splice(i, 1);
  if (arg!.length === 2) return PRESERVE_ALL;
  const set = new Set<'t' | 'o' | 'p' | 'a' | 'x'>();
  for (const c of arg!.slice(2)) {
    const letter = c.toLowerCase();
    // FileAttribute.getAttribute's NoSuchElementException (FsShell: "Fatal internal error")
    if (letter !== 't' && letter !== 'o' && letter !== 'p' && letter !== 'a' && letter !== 'x') throw new UsageError(`-cp: No attribute for ${c}`, usage);
    set.add(letter);
  }
  return set;
}

/** preserveAttributes onto an HDFS target. */
export async function preserveInHdfs(fs: HdfsClient, a: Attributes, target: string, p: Preserve): Promise<void> {
  if (p.has('t')) await fs.setTimes(target, a.mtime, a.atime);
  if (p.has('o')) await fs.chown(target, a.owner, a.group);
  if (p.has('p') || p.has('a')) await fs.chmod(target, a.permission);
  if (p.has('a') && a.aclSource !== undefined) {
    const { entries } = await fs.getAclStatus(a.aclSource);
    await fs.setAcl(target, aclFromPermAndEntries(a.permission, entries));
  }
  if (p.has('x')) {
    if (a.xattrSource === undefined) throw new FileSystemError('FS_UNSUPPORTED', "RawLocalFileSystem doesn't support getXAttrs", { exceptionClassName: 'java.lang.UnsupportedOperationException' });
    const all = await fs.getXAttrs(a.xattrSource);
    for (const name of javaHashMapOrder([...all.keys()])) await fs.setXAttr(target, name, all.get(name));
  }
}

/** preserveAttributes onto a local target, as RawLocalFileSystem.setTimes / setOwner / setPermission do. */
export async function preserveLocal(a: Attributes, target: string, p: Preserve): Promise<void> {
  if (p.has('t')) {
    // a time below 0 is left as it is (FileTime null)
    if (a.mtime >= 0 || a.atime >= 0) {
      const st = await stat(target).catch((e: unknown) => {
        throw fileError('set the times of', target, e);
      });
      await utimes(target, seconds(a.atime >= 0 ? a.atime : st.atimeMs), seconds(a.mtime >= 0 ? a.mtime : st.mtimeMs)).catch((e: unknown) => {
        throw fileError('set the times of', target, e);
      });
    }
  }
  if (p.has('o')) {
    try {
      await run('chown', [`${a.owner}:${a.group}`, resolve(target)]);
    } catch (e) {
      // Shell.ExitCodeException: chown's error output; FsShell prints its first line
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').split('\n')[0] || (e as Error).message;
      throw new HsecError('FILE_IO', stderr, { path: target, messageOnly: true }, { cause: e });
    }
  }
  if (p.has('p') || p.has('a')) {
    await chmod(target, a.permission & 0o1777).catch((e: unknown) => {
      throw fileError('set the permission of', target, e);
    });
  }
}

/**
 * Milliseconds as the seconds utimes takes: half a microsecond more, so the double's rounding never
 * lands the time a millisecond early (FileTime.fromMillis sets the millisecond exactly).
 */
function seconds(ms: number): number {
  return Math.floor(ms) / 1000 + 5e-7;
}
