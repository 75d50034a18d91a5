/**
 * HDFS path names as the NameNode sees them (DFSUtilClient.isValidName, INode.getPathComponents,
 * FSDirectory.verifyINodeName / verifyMaxComponentLength): absolute, '/'-separated, no "." or ".."
 * components, no ':' in a component, no empty component in the middle ("/a//b"), a trailing '/'
 * allowed. Components are kept as strings; children are ordered by their UTF-8 bytes, as Hadoop's
 * byte[] names are.
 */
import { fsError, HadoopException, invalidPath } from './fs-errors.ts';

/** `DFSUtilClient.isValidName`: the names a create, mkdir or rename target may have. */
export function isValidName(src: string): boolean {
  if (!src.startsWith('/')) return false;
  const parts = trimTrailingEmpty(src.split('/'));
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i]!;
    if (e === '.' || e === '..' || e.includes(':')) return false;
    if (e === '' && i !== 0 && i !== parts.length - 1) return false;
  }
  return true;
}

/** Hadoop's StringUtils.split drops trailing empty strings. */
function trimTrailingEmpty(parts: string[]): string[] {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return parts.slice(0, end);
}

/**
 * The components after the root: "/" -> [], "/a/b/" -> ["a", "b"]. A relative path, or any other
 * name Hadoop would not resolve, is InvalidPathException ("Invalid file name: ...").
 */
export function pathComponents(src: string): string[] {
  if (!isValidName(src)) throw invalidPath(`Invalid file name: ${src}`, src);
  return src.split('/').filter((c) => c !== '');
}

/** The path of `components[0, n)`: "/" for none. */
export function joinPath(components: readonly string[], n = components.length): string {
  return n === 0 ? '/' : `/${components.slice(0, n).join('/')}`;
}

/**
 * Byte order of UTF-8 names (INodeDirectory's children are sorted by their byte[] names). UTF-8
 * byte order is code point order, which JavaScript's UTF-16 comparison matches except between a
 * surrogate pair and a character from U+E000 up; only names holding such characters take the slow
 * path.
 */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  if (!hasHigh(a) && !hasHigh(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Holds a character where UTF-16 and code point order can disagree (U+D800 and up). */
function hasHigh(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/** Whether `descendant` lies strictly under `ancestor` (both as component lists). */
export function isUnder(descendant: readonly string[], ancestor: readonly string[]): boolean {
  return descendant.length > ancestor.length && ancestor.every((c, i) => descendant[i] === c);
}

/**
 * DFSUtil.isParentEntry: `path` is `parent` or below it, compared as strings (a `parent` with a
 * trailing '/' other than the root matches only itself, as in Hadoop).
 */
export function isParentEntry(path: string, parent: string): boolean {
  if (!path.startsWith(parent)) return false;
  if (path === parent) return true;
  return path.charAt(parent.length) === '/' || parent === '/';
}

/** NameNodeRpcServer.MAX_PATH_LENGTH and MAX_PATH_DEPTH. */
export const MAX_PATH_LENGTH = 8000;
const MAX_PATH_DEPTH = 1000;

/**
 * NameNodeRpcServer.checkPathLength's test: at most 8000 characters (Java's String.length, UTF-16
 * units) and 1000 levels (Path.depth: its names); `new Path("")` is refused first
 * (IllegalArgumentException "Can not create a Path from an empty string").
 */
export function withinPathLimits(src: string): boolean {
  if (src === '') throw fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Can not create a Path from an empty string', {});
  return src.length <= MAX_PATH_LENGTH && src.split('/').filter((n) => n !== '').length <= MAX_PATH_DEPTH;
}

/** NameNodeRpcServer's refusal of a path past withinPathLimits (create, mkdirs, rename, createSnapshot). */
export function checkPathLength(op: string, src: string): void {
  if (!withinPathLimits(src)) {
    throw fsError('FS_INVALID_PATH', HadoopException.IO, `${op}: Pathname too long.  Limit ${MAX_PATH_LENGTH} characters, ${MAX_PATH_DEPTH} levels.`, { length: src.length });
  }
}
