/**
 * The HDFS side of Hadoop's path globs, as pure functions: a path component's GlobPattern
 * (lib/text/glob-pattern.ts) with GlobFilter's error ("Illegal file pattern: ..."), GlobExpander (a
 * `{..}` group holding a `/` is split into whole patterns first, `p{a/b,c/d}s` -> `pa/bs`,
 * `pc/ds`), Globber's unescaping of a component without wildcards, and the order globStatus sorts
 * its results in (Path.compareTo: the paths as java.net.URI quotes them).
 */
import { FileSystemError } from '../../lib/errors/index.ts';
import { GlobPattern, GlobSyntaxError } from '../../lib/text/glob-pattern.ts';

/** GlobFilter: a path component's pattern; a bad one is FS_INVALID_ARGUMENT "Illegal file pattern: <re2j message>" (FS_UNSUPPORTED for escapes hsec does not read). */
export function compileComponentGlob(glob: string): GlobPattern {
  try {
    return GlobPattern.compile(glob);
  } catch (e) {
    if (!(e instanceof GlobSyntaxError)) throw e;
    if (e.code === 'GLOB_UNSUPPORTED') throw new FileSystemError('FS_UNSUPPORTED', e.message, e.details, { cause: e });
    throw new FileSystemError('FS_INVALID_ARGUMENT', `Illegal file pattern: ${e.message}`, e.details, { cause: e });
  }
}

/**
 * GlobExpander.expand: every `{..}` group (outermost, leftmost first) whose alternatives hold a
 * `/` is multiplied out into whole patterns, so that no pattern left has a `/` inside braces;
 * groups without a slash stay for GlobPattern. `{a,b}/{b,{c/d,e/f}}` -> `{a,b}/b`, `{a,b}/c/d`, `{a,b}/e/f`.
 */
export function expandGlobBraces(pattern: string): string[] {
  const done: string[] = [];
  const todo: Array<{ s: string; offset: number }> = [{ s: pattern, offset: 0 }];
  for (let steps = 1; todo.length > 0; steps++) {
    const item = todo.shift()!;
    const expanded = expandLeftmost(item.s, item.offset);
    if (expanded === undefined) done.push(item.s);
    else todo.unshift(...expanded);
    if (done.length + todo.length > MAX_EXPANDED_PATTERNS || steps > MAX_EXPANSION_STEPS) throw tooManyPatterns(pattern);
  }
  return done;
}

/**
 * The most whole patterns one glob may expand into. GlobExpander has no bound, and k groups of two
 * alternatives with a `/` make 2^k patterns (`{a/,b}` 40 times is a trillion): each pattern is at
 * least one NameNode call, so more than this is refused before any is made.
 */
export const MAX_EXPANDED_PATTERNS = 1024;
/** And the most groups expanded on the way (each rescans the rest of a pattern): 16 per pattern. */
const MAX_EXPANSION_STEPS = 16 * MAX_EXPANDED_PATTERNS;

function tooManyPatterns(pattern: string): FileSystemError {
  const shown = pattern.length > 200 ? `${pattern.slice(0, 200)}...` : pattern;
  return new FileSystemError('FS_INVALID_ARGUMENT', `Illegal file pattern: ${shown} expands to more than ${MAX_EXPANDED_PATTERNS} paths, or through more than ${MAX_EXPANSION_STEPS} {..} groups ({..} groups holding a '/' multiply); split it into several patterns`, {
    globPattern: pattern.slice(0, 1000), limit: MAX_EXPANDED_PATTERNS,
  });
}

function badEscape(pattern: string, i: number): FileSystemError {
  return new FileSystemError('FS_INVALID_ARGUMENT', `Illegal file pattern: An escaped character does not present for glob ${pattern} at ${i}`, { globPattern: pattern });
}

function expandLeftmost(pattern: string, offset: number): Array<{ s: string; offset: number }> | undefined {
  const leftmost = leftmostCurlyWithSlash(pattern, offset);
  if (leftmost === -1) return undefined;
  let curlyOpen = 0;
  const prefix = pattern.slice(0, leftmost);
  let suffix = '';
  const alts: string[] = [];
  let alt = '';
  for (let i = leftmost; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (c === '\\') {
      // the backslash is dropped here, as GlobExpander drops it
      if (++i >= pattern.length) throw badEscape(pattern, i);
      c = pattern[i]!;
      alt += c;
    } else if (c === '{') {
      if (curlyOpen++ > 0) alt += c;
      else alt = '';
    } else if (c === '}' && curlyOpen > 0) {
      if (--curlyOpen === 0) {
        alts.push(alt);
        suffix = pattern.slice(i + 1);
        break;
      }
      alt += c;
    } else if (c === ',' && curlyOpen === 1) {
      alts.push(alt);
      alt = '';
    } else {
      alt += c;
    }
  }
  return alts.map((a) => ({ s: prefix + a + suffix, offset: prefix.length }));
}

function leftmostCurlyWithSlash(pattern: string, offset: number): number {
  let curlyOpen = 0;
  let leftmost = -1;
  let seenSlash = false;
  for (let i = offset; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (++i >= pattern.length) throw badEscape(pattern, i);
    } else if (c === '{') {
      if (curlyOpen++ === 0) leftmost = i;
    } else if (c === '}' && curlyOpen > 0) {
      if (--curlyOpen === 0 && leftmost !== -1 && seenSlash) return leftmost;
    } else if (c === '/' && curlyOpen > 0) {
      seenSlash = true;
    }
  }
  return -1;
}

/** Globber.unescapePathComponent: `\x` -> `x` (Java's `.`: not a line terminator). */
export function unescapeGlobComponent(component: string): string {
  return component.replace(/\\([^\n\r\u0085\u2028\u2029])/gu, '$1');
}

/**
 * A path as java.net.URI's multi-argument constructor quotes it (Path keeps its URI so): ASCII
 * other than letters, digits, `-_.!~*'()`, `:@&=+$,;/` as %XX, and non-ASCII space and control
 * characters as their UTF-8 bytes %XX; other non-ASCII stays.
 */
export function quoteUriPath(path: string): string {
  let out = '';
  for (const ch of path) {
    const cp = ch.codePointAt(0)!;
    const ascii = cp < 0x80;
    const quote = ascii ? !/[A-Za-z0-9\-_.!~*'():@&=+$,;/]/.test(ch) : /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}]/u.test(ch);
    out += quote ? [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('') : ch;
  }
  return out;
}

/** Path.compareTo for paths of one file system: their quoted URI paths, as String.compareTo (UTF-16 units). */
export function compareUriPaths(a: string, b: string): number {
  const qa = quoteUriPath(a);
  const qb = quoteUriPath(b);
  return qa < qb ? -1 : qa > qb ? 1 : 0;
}
