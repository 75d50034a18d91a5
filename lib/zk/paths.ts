/**
 * Znode path rules (ZooKeeper's PathUtils.validatePath, checked client-side before a request is
 * sent) and the chroot mapping ClientCnxn applies: client paths are prefixed with the chroot on
 * the way out and stripped from created paths and watch events on the way back.
 */
import { ZooKeeperError } from '../errors/index.ts';

function invalid(path: string, reason: string): ZooKeeperError {
  return new ZooKeeperError('ZK_BAD_ARGUMENTS', `Invalid znode path "${path}": ${reason}`, { path });
}

/** Throws ZK_BAD_ARGUMENTS unless `path` is absolute, has no empty, `.` or `..` element and no control character. */
export function validatePath(path: string, sequential = false): void {
  const p = sequential ? `${path}1` : path;
  if (p.length === 0) throw invalid(path, 'the path is empty');
  if (p[0] !== '/') throw invalid(path, 'it must start with /');
  if (p.length === 1) return;
  if (p.endsWith('/')) throw invalid(path, 'it must not end with /');
  const parts = p.slice(1).split('/');
  for (const part of parts) {
    if (part === '') throw invalid(path, 'empty node name');
    if (part === '.' || part === '..') throw invalid(path, 'relative paths are not allowed');
  }
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === 0) throw invalid(path, `null character at ${i}`);
    if ((c > 0 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0) {
      throw invalid(path, `invalid character at ${i}`);
    }
  }
}

/** The parent of a path ('/' for top-level nodes). */
export function parentPath(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** Joins a parent and a child name. */
export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/** Client path -> server path. */
export function toServerPath(chroot: string, path: string): string {
  if (!chroot) return path;
  return path === '/' ? chroot : chroot + path;
}

/** Server path -> client path; a path outside the chroot is returned unchanged. */
export function toClientPath(chroot: string, serverPath: string): string {
  if (!chroot) return serverPath;
  if (serverPath === chroot) return '/';
  return serverPath.startsWith(`${chroot}/`) ? serverPath.slice(chroot.length) : serverPath;
}
