/**
 * Java `java.util.regex` patterns and `Matcher.replaceFirst/replaceAll` replacement strings, as used by
 * Hadoop's auth_to_local rules (`KerberosName.Rule`: `Pattern.compile(match).matcher(s).matches()` and
 * `Pattern.compile(from).matcher(s).replaceFirst(to)` / `replaceAll`), evaluated with JavaScript RegExp.
 *
 * The common syntax (classes, groups, quantifiers, anchors, \d \w \s, back-references, named groups,
 * lookaround) means the same in both. What differs is translated: `\Q...\E` quoting, leading inline
 * flags `(?i)` `(?s)` `(?m)`, `\A` and `\z`, `\e` `\a`, the POSIX classes `\p{Lower}` ... `\p{Punct}`.
 * Constructs JavaScript cannot express are rejected with KRB_NAME instead of silently meaning something
 * else: possessive quantifiers (`a*+`), atomic groups `(?>`, nested classes and class intersection
 * (`[a-z&&[^e]]`), inline flags after the start, `\G \Z \R \X \h \H \V`. Known remaining difference:
 * Java's `$` (without MULTILINE) also matches before a final line terminator; principal names hold none.
 * Replacement strings follow `Matcher.appendReplacement`: `\x` is a literal x, `$n` takes as many digits
 * as still name an existing group, `${name}` is a named group, an unmatched group inserts nothing.
 */
import { KerberosError } from '../../../lib/errors/index.ts';

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const UNSUPPORTED_ESCAPES = new Set(['G', 'Z', 'R', 'X', 'h', 'H', 'V']);

function unsupported(pattern: string, what: string): KerberosError {
  return new KerberosError(
    'KRB_NAME',
    `Unsupported Java regular-expression construct ${what} in auth_to_local pattern "${pattern}": rewrite the rule without it`,
    { pattern },
  );
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translates Java regex syntax to an equivalent JavaScript source and flags. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([ims]+)\)/.exec(pattern);
  if (lead) {
    flags = [...new Set(lead[1])].join('');
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let prevQuantifier = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const wasQuantifier: boolean = prevQuantifier;
    prevQuantifier = false;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw unsupported(pattern, 'a trailing backslash');
      if (n === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? undefined : end);
        out += escapeLiteral(literal);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if ((n === 'p' || n === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        const name = close < 0 ? '' : pattern.slice(i + 3, close).replace(/^Is/, '');
        const body = POSIX[name];
        if (!body || (inClass && n === 'P')) throw unsupported(pattern, `\\${n}{${name}}`);
        out += inClass ? body : n === 'p' ? `[${body}]` : `[^${body}]`;
        i = close + 1;
        continue;
      }
      if (UNSUPPORTED_ESCAPES.has(n)) throw unsupported(pattern, `\\${n}`);
      if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      else if (n === 'e') out += '\\x1B';
      else if (n === 'a') out += '\\x07';
      else out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[') throw unsupported(pattern, 'a nested character class');
      if (c === '&' && pattern[i + 1] === '&') throw unsupported(pattern, 'character-class intersection &&');
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // a ']' right after '[' or '[^' is a literal in Java (and must be escaped in JavaScript)
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const n = pattern[i + 2];
      if (n === '>') throw unsupported(pattern, 'atomic group (?>...)');
      if (n !== ':' && n !== '=' && n !== '!' && n !== '<') throw unsupported(pattern, `inline flags (?${n}...)`);
    }
    if (c === '+' && wasQuantifier) throw unsupported(pattern, 'possessive quantifier');
    if (c === '{' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      throw new KerberosError('KRB_NAME', `Illegal repetition "{" in auth_to_local pattern "${pattern}": escape it as \\{`, { pattern });
    }
    if (c === '*' || c === '+' || c === '?' || c === '}') prevQuantifier = !(c === '?' && wasQuantifier);
    out += c;
    i++;
  }
  return { source: out, flags };
}

/** Compiles a Java regex; `whole` anchors it like `Matcher.matches()`. Errors are KRB_NAME. */
export function compileJavaRegex(pattern: string, options: { whole?: boolean; global?: boolean } = {}): RegExp {
  const { source, flags } = translateJavaRegex(pattern);
  const body = options.whole ? `^(?:${source})$` : source;
  try {
    return new RegExp(body, flags + (options.global ? 'g' : ''));
  } catch (err) {
    throw new KerberosError('KRB_NAME', `Invalid regular expression "${pattern}" in auth_to_local rule: ${(err as Error).message}`, { pattern }, { cause: err });
  }
}

/** Expands a Java replacement string for one match (`Matcher.appendReplacement` rules). */
export function expandJavaReplacement(replacement: string, groups: readonly (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  const groupCount = groups.length - 1;
  let out = '';
  for (let i = 0; i < replacement.length; ) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (i + 1 >= replacement.length) throw badReplacement(replacement, 'character to be escaped is missing');
      out += replacement[i + 1];
      i += 2;
    } else if (c === '$') {
      i++;
      if (replacement[i] === '{') {
        const close = replacement.indexOf('}', i);
        const name = close < 0 ? '' : replacement.slice(i + 1, close);
        if (!name || !named || !(name in named)) throw badReplacement(replacement, `no group with name {${name}}`);
        out += named[name] ?? '';
        i = close + 1;
        continue;
      }
      if (!/\d/.test(replacement[i] ?? '')) throw badReplacement(replacement, 'illegal group reference');
      let ref = Number(replacement[i]);
      i++;
      while (i < replacement.length && /\d/.test(replacement[i]!)) {
        const next = ref * 10 + Number(replacement[i]);
        if (next > groupCount) break;
        ref = next;
        i++;
      }
      if (ref > groupCount) throw badReplacement(replacement, `no group ${ref}`);
      out += groups[ref] ?? '';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function badReplacement(replacement: string, why: string): KerberosError {
  return new KerberosError('KRB_NAME', `Invalid replacement "${replacement}" in auth_to_local rule: ${why}`, { replacement });
}

/** Java `replaceFirst` (global = false) or `replaceAll` (global = true) of `re` in `input`. */
export function javaReplace(input: string, re: RegExp, replacement: string): string {
  return input.replace(re, (...args: unknown[]) => {
    const hasNamed = typeof args[args.length - 1] === 'object';
    const named = hasNamed ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const groups = args.slice(0, args.length - (hasNamed ? 3 : 2)) as (string | undefined)[];
    return expandJavaReplacement(replacement, groups, named);
  });
}
