/**
 * Hadoop's path globs as pure functions: GlobPattern (one path component: `*`, `?`, `[abc]`,
 * `[a-z]`, `[^a]` / `[!a]`, `{a,b}` nested, `\x`), GlobExpander (a `{..}` group holding a `/` is
 * split into whole patterns first, `p{a/b,c/d}s` -> `pa/bs`, `pc/ds`), Globber's unescaping of a
 * component without wildcards, and the order globStatus sorts its results in (Path.compareTo: the
 * paths as java.net.URI quotes them). GlobPattern translates the glob into a regular expression
 * that Hadoop compiles with re2j; this module does the same translation, character for character,
 * then reads that expression with RE2's rules (a `]` first in a class is literal, `\d \s \w`, `\t`,
 * octal and `\x` escapes; an escaped letter RE2 does not know is an error) and builds a JavaScript
 * RegExp of it. A bad pattern is a FileSystemError with Hadoop's message: `Illegal file pattern:
 * error parsing regexp: Unclosed character class at pos 3: `[a-``. RE2's `\p` classes and `\Q..\E`
 * quoting are refused with FS_UNSUPPORTED (a glob component has no use for them).
 */
import { FileSystemError } from '../../lib/errors/index.ts';

/** One compiled path-component glob (GlobPattern / GlobFilter). */
export class GlobPattern {
  /** True when the component has `*`, `?`, `[` or `{` (GlobPattern.hasWildcard): Globber lists its parent instead of looking it up. */
  readonly hasWildcard: boolean;
  readonly #regex: RegExp;

  private constructor(regex: RegExp, hasWildcard: boolean) {
    this.#regex = regex;
    this.hasWildcard = hasWildcard;
  }

  /** Compiles `glob`; FS_INVALID_ARGUMENT with GlobFilter's "Illegal file pattern: ..." when it is malformed. */
  static compile(glob: string): GlobPattern {
    const { regex, hasWildcard } = globToRegex(glob);
    return new GlobPattern(new RegExp(`^(?:${re2ToJs(regex, glob)})$`, 'u'), hasWildcard);
  }

  /** Whether the whole of `name` matches (Matcher.matches). */
  matches(name: string): boolean {
    return this.#regex.test(name);
  }
}

/** GlobFilter's IOException: "Illegal file pattern: " + re2j's PatternSyntaxException message. */
function illegal(error: string, input: string, glob: string): FileSystemError {
  return new FileSystemError('FS_INVALID_ARGUMENT', `Illegal file pattern: error parsing regexp: ${error}: \`${input}\``, { globPattern: glob });
}

/** GlobPattern.set: the glob as the regular expression Hadoop hands to re2j. */
export function globToRegex(glob: string): { regex: string; hasWildcard: boolean } {
  let regex = '';
  let setOpen = 0;
  let curlyOpen = 0;
  let hasWildcard = false;
  const len = glob.length;
  for (let i = 0; i < len; i++) {
    const c = glob[i]!;
    switch (c) {
      case '\\':
        if (++i >= len) throw illegal(`Missing escaped character at pos ${i}`, glob, glob);
        regex += c + glob[i]!;
        continue;
      case '.':
      case '$':
      case '(':
      case ')':
      case '|':
      case '+':
        regex += '\\'; // regex characters that mean nothing in a glob
        break;
      case '*':
        regex += '.';
        hasWildcard = true;
        break;
      case '?':
        regex += '.';
        hasWildcard = true;
        continue;
      case '{':
        regex += '(?:';
        curlyOpen++;
        hasWildcard = true;
        continue;
      case ',':
        regex += curlyOpen > 0 ? '|' : c;
        continue;
      case '}':
        if (curlyOpen > 0) {
          curlyOpen--;
          regex += ')';
          continue;
        }
        break;
      case '[':
        if (setOpen > 0) throw illegal(`Unclosed character class at pos ${i}`, glob, glob);
        setOpen++;
        hasWildcard = true;
        break;
      case '^':
        if (setOpen === 0) regex += '\\';
        break;
      case '!':
        regex += setOpen > 0 && glob[i - 1] === '[' ? '^' : '!';
        continue;
      case ']':
        setOpen = 0; // [][] and the like are left to the regex compiler, as in Hadoop
        break;
      default:
    }
    regex += c;
  }
  if (setOpen > 0) throw illegal(`Unclosed character class at pos ${len}`, glob, glob);
  if (curlyOpen > 0) throw illegal(`Unclosed group at pos ${len}`, glob, glob);
  return { regex, hasWildcard };
}

const hex = (cp: number) => `\\u{${cp.toString(16)}}`;
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);
/** RE2's \s: [\t\n\f\r ], and its complement as ranges (a class may not hold a negated class). */
const SPACE = [0x9, 0xa, 0xc, 0xd, 0x20].map(hex).join('');
const NOT_SPACE = [[0, 8], [0xb, 0xb], [0xe, 0x1f], [0x21, 0x10ffff]].map(([a, b]) => `${hex(a!)}-${hex(b!)}`).join('');

/**
 * Reads the regular expression GlobPattern made with RE2's syntax (only what that translation can
 * produce: literals, escapes, `.`, `.*`, `(?:`, `|`, `)` and classes) and writes it as a
 * JavaScript pattern for the `u` flag; errors carry re2j's messages.
 */
function re2ToJs(regex: string, glob: string): string {
  const t = Array.from(regex); // RE2 reads code points
  const from = (start: number, end: number) => t.slice(start, end).join('');
  let pos = 0;
  let out = '';
  let depth = 0;
  let atom = false; // something a following * may repeat

  /** parseEscape at `\`: the code point, or a JS fragment for a Perl class (classes only when `perl`). */
  const escape = (inClass: boolean, perlClass = true): { cp: number } | { js: string } => {
    const start = pos;
    pos++; // the backslash
    const c = t[pos++];
    if (c === undefined) throw illegal('trailing backslash at end of expression', '', glob);
    if (!isAlnum(c)) return { cp: c.codePointAt(0)! };
    const perl: Record<string, string> = { d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: inClass ? SPACE : `[${SPACE}]`, S: inClass ? NOT_SPACE : `[^${SPACE}]` };
    if (perl[c] !== undefined && perlClass) return { js: perl[c] };
    const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (controls[c] !== undefined) return { cp: controls[c] };
    if (!inClass) {
      const assertions: Record<string, string> = { A: '^', z: '$', b: '\\b', B: '\\B' };
      if (assertions[c] !== undefined) return { js: assertions[c] };
    }
    if (c >= '1' && c <= '7' && !/^[0-7]$/.test(t[pos] ?? '')) throw illegal('invalid escape sequence', from(start, pos), glob);
    if (c >= '0' && c <= '7') {
      // octal: up to three digits
      let digits = c;
      while (digits.length < 3 && /^[0-7]$/.test(t[pos] ?? '')) digits += t[pos++]!;
      return { cp: parseInt(digits, 8) };
    }
    if (c === 'x') {
      let digits = '';
      if (t[pos] === '{') {
        pos++;
        while (/^[0-9A-Fa-f]$/.test(t[pos] ?? '')) digits += t[pos++]!;
        if (t[pos] !== '}' || digits === '' || parseInt(digits, 16) > 0x10ffff) throw illegal('invalid escape sequence', from(start, Math.min(pos + 1, t.length)), glob);
        pos++;
      } else {
        // re2j takes two characters, then checks them
        digits = from(pos, Math.min(pos + 2, t.length));
        pos = Math.min(pos + 2, t.length);
        if (!/^[0-9A-Fa-f]{2}$/.test(digits)) throw illegal('invalid escape sequence', from(start, pos), glob);
      }
      return { cp: parseInt(digits, 16) };
    }
    if (c === 'p' || c === 'P' || c === 'Q' || c === 'E' || c === 'C') {
      throw new FileSystemError('FS_UNSUPPORTED', `hsec does not support the regular-expression escape \\${c} in a glob (Hadoop passes it to re2j): write the characters themselves, or escape punctuation only`, { globPattern: glob });
    }
    throw illegal('invalid escape sequence', from(start, pos), glob);
  };

  /** parseClass at `[`. */
  const charClass = (): string => {
    const start = pos;
    pos++;
    let js = '[';
    if (t[pos] === '^') {
      js += '^';
      pos++;
    }
    /** parseClassChar: one character (an escape may not be a Perl class here). */
    const classChar = (): number => {
      if (pos >= t.length) throw illegal('missing closing ]', from(start, t.length), glob);
      if (t[pos] !== '\\') return t[pos++]!.codePointAt(0)!;
      const e = escape(true, false);
      return 'cp' in e ? e.cp : 0;
    };
    let first = true; // a ] right after [ or [^ is a literal
    while (pos >= t.length || t[pos] !== ']' || first) {
      first = false;
      if (t[pos] === '\\' && /^[dDsSwW]$/.test(t[pos + 1] ?? '')) {
        const perl = escape(true);
        if ('js' in perl) js += perl.js;
        continue;
      }
      const rangeStart = pos;
      const lo = classChar();
      let hi = lo;
      if (t[pos] === '-' && pos + 1 < t.length && t[pos + 1] !== ']') {
        pos++;
        hi = classChar();
        if (hi < lo) throw illegal('invalid character class range', from(rangeStart, pos), glob);
      }
      js += hi === lo ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
    }
    pos++;
    return `${js}]`;
  };

  while (pos < t.length) {
    const c = t[pos]!;
    if (c === '(' && t[pos + 1] === '?' && t[pos + 2] === ':') {
      out += '(?:';
      depth++;
      pos += 3;
      atom = false;
    } else if (c === ')') {
      if (depth === 0) throw illegal('unexpected )', regex, glob);
      out += ')';
      depth--;
      pos++;
      atom = true;
    } else if (c === '|') {
      out += '|';
      pos++;
      atom = false;
    } else if (c === '*') {
      if (!atom) throw illegal('missing argument to repetition operator', '*', glob);
      out += '*';
      pos++;
      atom = false;
    } else if (c === '.') {
      out += '[^\\n]'; // RE2's . does not match a newline
      pos++;
      atom = true;
    } else if (c === '[') {
      out += charClass();
      atom = true;
    } else if (c === '\\') {
      const e = escape(false);
      out += 'js' in e ? e.js : hex(e.cp);
      atom = true;
    } else {
      out += hex(c.codePointAt(0)!);
      pos++;
      atom = true;
    }
  }
  if (depth > 0) throw illegal('missing closing )', regex, glob);
  return out;
}

/**
 * GlobExpander.expand: every `{..}` group (outermost, leftmost first) whose alternatives hold a
 * `/` is multiplied out into whole patterns, so that no pattern left has a `/` inside braces;
 * groups without a slash stay for GlobPattern. `{a,b}/{b,{c/d,e/f}}` -> `{a,b}/b`, `{a,b}/c/d`, `{a,b}/e/f`.
 */
export function expandGlobBraces(pattern: string): string[] {
  const done: string[] = [];
  const todo: Array<{ s: string; offset: number }> = [{ s: pattern, offset: 0 }];
  while (todo.length > 0) {
    const item = todo.shift()!;
    const expanded = expandLeftmost(item.s, item.offset);
    if (expanded === undefined) done.push(item.s);
    else todo.unshift(...expanded);
  }
  return done;
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
  let inSuffix = false;
  for (let i = leftmost; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (inSuffix) {
      suffix += c;
    } else if (c === '\\') {
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
        alt = '';
        inSuffix = true;
      } else alt += c;
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
