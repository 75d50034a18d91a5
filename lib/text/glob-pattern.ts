/**
 * Hadoop's GlobPattern as a pure function: a glob (`*`, `?`, `[abc]`, `[a-z]`, `[^a]` / `[!a]`,
 * `{a,b}` nested, `\x`) translated into the regular expression Hadoop hands to re2j, character for
 * character (GlobPattern.set), then read with RE2's rules (a `]` first in a class is literal,
 * `\d \s \w`, `\t`, octal and `\x` escapes; an escaped letter RE2 does not know is an error) into
 * an automaton that matches whole names in linear time, as re2j does (./glob-automaton.ts). Used
 * for HDFS path components (the fs globber) and for server principal patterns (SaslRpcClient's
 * serverPrincipalPattern). A bad glob is a GlobSyntaxError with re2j's message; RE2's `\p`
 * classes and `\Q..\E` quoting are refused (GLOB_UNSUPPORTED): neither use has a need for them.
 */
import { HsecError } from '../errors/index.ts';
import { GlobAutomaton, type RegexToken } from './glob-automaton.ts';

/** One compiled path-component glob (GlobPattern / GlobFilter). */
export class GlobPattern {
  /** True when the component has `*`, `?`, `[` or `{` (GlobPattern.hasWildcard): Globber lists its parent instead of looking it up. */
  readonly hasWildcard: boolean;
  readonly #automaton: GlobAutomaton;

  private constructor(automaton: GlobAutomaton, hasWildcard: boolean) {
    this.#automaton = automaton;
    this.hasWildcard = hasWildcard;
  }

  /** Compiles `glob`; a GlobSyntaxError with re2j's message when it is malformed. */
  static compile(glob: string): GlobPattern {
    const { regex, hasWildcard } = globToRegex(glob);
    return new GlobPattern(new GlobAutomaton(re2Tokens(regex, glob)), hasWildcard);
  }

  /** Whether the whole of `name` matches (Matcher.matches). */
  matches(name: string): boolean {
    return this.#automaton.matches(name);
  }
}

/**
 * A glob GlobPattern refuses: GLOB_INVALID with re2j's PatternSyntaxException message
 * (`error parsing regexp: <error>: \`<input>\``), or GLOB_UNSUPPORTED for the RE2 escapes hsec does
 * not read. Callers say what the glob was for (GlobFilter: "Illegal file pattern: ...").
 */
export class GlobSyntaxError extends HsecError {}

function illegal(error: string, input: string, glob: string): GlobSyntaxError {
  return new GlobSyntaxError('GLOB_INVALID', `error parsing regexp: ${error}: \`${input}\``, { globPattern: glob });
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
 * produce: literals, escapes, `.`, `.*`, `(?:`, `|`, `)` and classes) into the tokens of
 * ./glob-automaton.ts (classes as JavaScript patterns for the `u` flag); errors carry re2j's
 * messages.
 */
function re2Tokens(regex: string, glob: string): RegexToken[] {
  const t = Array.from(regex); // RE2 reads code points
  const from = (start: number, end: number) => t.slice(start, end).join('');
  let pos = 0;
  const out: RegexToken[] = [];
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
      throw new GlobSyntaxError('GLOB_UNSUPPORTED', `hsec does not support the regular-expression escape \\${c} in a glob (Hadoop passes it to re2j): write the characters themselves, or escape punctuation only`, { globPattern: glob });
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
      out.push({ t: 'open' });
      depth++;
      pos += 3;
      atom = false;
    } else if (c === ')') {
      if (depth === 0) throw illegal('unexpected )', regex, glob);
      out.push({ t: 'close' });
      depth--;
      pos++;
      atom = true;
    } else if (c === '|') {
      out.push({ t: 'alt' });
      pos++;
      atom = false;
    } else if (c === '*') {
      if (!atom) throw illegal('missing argument to repetition operator', '*', glob);
      out.push({ t: 'star' });
      pos++;
      atom = false;
    } else if (c === '.') {
      out.push({ t: 'class', js: '[^\\n]' }); // RE2's . does not match a newline
      pos++;
      atom = true;
    } else if (c === '[') {
      out.push({ t: 'class', js: charClass() });
      atom = true;
    } else if (c === '\\') {
      const e = escape(false);
      if (!('js' in e)) out.push({ t: 'literal', ch: String.fromCodePoint(e.cp) });
      else if (e.js === '^' || e.js === '$' || e.js === '\\b' || e.js === '\\B') out.push({ t: 'assert', js: e.js });
      else out.push({ t: 'class', js: e.js });
      atom = true;
    } else {
      out.push({ t: 'literal', ch: c });
      pos++;
      atom = true;
    }
  }
  if (depth > 0) throw illegal('missing closing )', regex, glob);
  return out;
}
