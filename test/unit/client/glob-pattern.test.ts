// Hadoop's path globs without a NameNode: GlobPattern over one component (wildcards, classes,
// negation with ^ and !, nested braces, escapes, the translation quirks Hadoop has), the errors a
// malformed pattern gets (GlobPattern's own and re2j's, with GlobFilter's "Illegal file pattern"),
// GlobExpander's splitting of braces that hold a slash (its documented examples), Globber's
// unescaping, and the URI order globStatus sorts in.
import { expect } from 'chai';
import { compareUriPaths, compileComponentGlob, expandGlobBraces, MAX_EXPANDED_PATTERNS, quoteUriPath, unescapeGlobComponent } from '../../../cluster/client/glob-pattern.ts';
import { globToRegex } from '../../../lib/text/glob-pattern.ts';
import { HsecError } from '../../../lib/errors/index.ts';

function thrown(f: () => unknown): HsecError {
  try {
    f();
  } catch (e) {
    if (e instanceof HsecError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('client/glob-pattern: GlobPattern', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['*', ['', 'a', '.hidden', 'a.b'], []],
    ['*.csv', ['a.csv', '.csv', 'x.y.csv'], ['a.csv.gz', 'acsv', 'a.CSV']],
    ['a?c', ['abc', 'a.c', 'a€c', 'a😀c'], ['ac', 'abbc']],
    ['[abc]x', ['ax', 'cx'], ['dx', 'x', 'abx']],
    ['[a-c]', ['a', 'b', 'c'], ['d', '-']],
    ['[^a]', ['b', '-', '\n'], ['a', 'bb']],
    ['[!a]', ['b', '!'], ['a']],
    ['[a!]', ['a', '!'], ['b']],
    ['[]a]', [']', 'a'], ['b']], // a ] first in a class is literal (RE2)
    ['[a-]', ['a', '-'], ['b']],
    ['[-a]', ['a', '-'], ['b']],
    ['[*]', ['*', '.'], ['a']], // Hadoop writes * as .* even in a class
    ['[?]', ['.'], ['?', 'a']], // and ? as .
    ['{a,b}', ['a', 'b'], ['ab', '']],
    ['{a,b{c,d}}e', ['ae', 'bce', 'bde'], ['be', 'abe']],
    ['{}', [''], ['a']],
    ['{,x}y', ['y', 'xy'], ['x']],
    ['x,y', ['x,y'], ['x']],
    ['a}', ['a}'], ['a']],
    ['a]', ['a]'], ['a']],
    ['\\*', ['*'], ['a']],
    ['\\[a]', ['[a]'], ['a']],
    ['a\\,b', ['a,b'], []],
    ['a.b', ['a.b'], ['axb']],
    ['a+b(c)|$^', ['a+b(c)|$^'], ['aab']],
    ['*\\d', ['f1', '9'], ['f', 'fa']], // RE2's \d reaches through
    ['[\\d_]x', ['1x', '_x'], ['ax']],
    ['*\\s', ['a '], ['a\u00a0']], // RE2's \s is ASCII only
    ['[^\\S]', [' ', '\t'], ['a', '\u00a0']],
    ['\\x41*', ['A', 'AB'], ['x41']],
    ['\\101', ['A'], []], // octal
    ['?', ['😀'], ['😀😀']], // a code point, as RE2
    ['a*', ['a', 'ab'], ['a\nb']], // RE2's . does not match a newline
    ['[^x]', ['\n'], ['x']], // a negated class does
  ];
  for (const [glob, yes, no] of cases) {
    it(`${glob} matches ${JSON.stringify(yes)}, not ${JSON.stringify(no)}`, () => {
      const p = compileComponentGlob(glob);
      for (const n of yes) expect(p.matches(n), n).to.equal(true);
      for (const n of no) expect(p.matches(n), n).to.equal(false);
    });
  }

  it('matches in time linear in the name, as re2j does (fuzz: *a*a*... and {a,a}{a,a}... backtracked for seconds in a RegExp)', () => {
    const stars = compileComponentGlob(`${'*a'.repeat(24)}b`);
    expect(stars.matches('a'.repeat(200))).to.equal(false);
    expect(stars.matches(`${'a'.repeat(200)}b`)).to.equal(true);
    const groups = compileComponentGlob(`${'{a,a}'.repeat(40)}b`);
    expect(groups.matches('a'.repeat(41))).to.equal(false);
    expect(groups.matches(`${'a'.repeat(40)}b`)).to.equal(true);
    const fuzzed = compileComponentGlob(`${'********t'.repeat(6)}${'*'.repeat(58)}`);
    expect(fuzzed.matches('aaaaaaaaaaaaaaaaaaaaaaaaaaaaab')).to.equal(false);
    expect(fuzzed.matches('tttttt')).to.equal(true);
  });

  it('\\A, \\z, \\b and \\B are RE2 assertions (ASCII word characters)', () => {
    expect(compileComponentGlob('a\\b*').matches('a')).to.equal(true);
    expect(compileComponentGlob('a\\b*').matches('a-b')).to.equal(true);
    expect(compileComponentGlob('a\\b*').matches('ab')).to.equal(false);
    expect(compileComponentGlob('a\\B*').matches('ab')).to.equal(true);
    expect(compileComponentGlob('\\Aa*\\z').matches('abc')).to.equal(true);
    expect(compileComponentGlob('a\\Ab').matches('ab')).to.equal(false);
  });

  it('hasWildcard: *, ?, [ and { only (an escape or a lone } is a plain name)', () => {
    for (const g of ['*', 'a?', '[a]', '{a}', 'x{}']) expect(compileComponentGlob(g).hasWildcard, g).to.equal(true);
    for (const g of ['a', 'a\\*', 'a}', 'a]', 'a,b', 'a.b', '\\[a\\]', '\\{x\\}']) expect(compileComponentGlob(g).hasWildcard, g).to.equal(false);
  });

  it('translates as GlobPattern.set does', () => {
    expect(globToRegex('a.*?{b,c}[!d]^\\e').regex).to.equal('a\\..*.(?:b|c)[^d]\\^\\e');
  });

  const bad: Array<[string, string]> = [
    ['[a-', 'Illegal file pattern: error parsing regexp: Unclosed character class at pos 3: `[a-`'],
    ['x[ab', 'Illegal file pattern: error parsing regexp: Unclosed character class at pos 4: `x[ab`'],
    ['[a[b]', 'Illegal file pattern: error parsing regexp: Unclosed character class at pos 2: `[a[b]`'],
    ['{a,b', 'Illegal file pattern: error parsing regexp: Unclosed group at pos 4: `{a,b`'],
    ['{a,{b}', 'Illegal file pattern: error parsing regexp: Unclosed group at pos 6: `{a,{b}`'],
    ['[{]', 'Illegal file pattern: error parsing regexp: Unclosed group at pos 3: `[{]`'],
    ['ab\\', 'Illegal file pattern: error parsing regexp: Missing escaped character at pos 3: `ab\\`'],
    ['[]', 'Illegal file pattern: error parsing regexp: missing closing ]: `[]`'],
    ['x[]y', 'Illegal file pattern: error parsing regexp: missing closing ]: `[]y`'],
    ['[^]', 'Illegal file pattern: error parsing regexp: missing closing ]: `[^]`'],
    ['[z-a]', 'Illegal file pattern: error parsing regexp: invalid character class range: `z-a`'],
    ['[a-\\d]', 'Illegal file pattern: error parsing regexp: invalid escape sequence: `\\d`'],
    ['a\\g*', 'Illegal file pattern: error parsing regexp: invalid escape sequence: `\\g`'],
    ['\\8', 'Illegal file pattern: error parsing regexp: invalid escape sequence: `\\8`'],
    ['\\xZ1', 'Illegal file pattern: error parsing regexp: invalid escape sequence: `\\xZ1`'],
    ['{[}]', 'Illegal file pattern: error parsing regexp: missing closing ): `(?:[)]`'],
    ['[{]}', 'Illegal file pattern: error parsing regexp: unexpected ): `[(?:])`'],
  ];
  for (const [glob, message] of bad) {
    it(`refuses ${glob}: ${message}`, () => {
      const e = thrown(() => compileComponentGlob(glob));
      expect(e.code).to.equal('FS_INVALID_ARGUMENT');
      expect(e.message).to.equal(message);
      expect(e.details['globPattern']).to.equal(glob);
    });
  }

  it('refuses RE2 features it does not carry (\\p, \\Q) with FS_UNSUPPORTED', () => {
    expect(thrown(() => compileComponentGlob('*\\pL')).code).to.equal('FS_UNSUPPORTED');
    expect(thrown(() => compileComponentGlob('\\Qa\\E')).code).to.equal('FS_UNSUPPORTED');
  });
});

describe('client/glob-pattern: GlobExpander, unescaping and order', () => {
  // GlobExpander.expand's javadoc table
  const table: Array<[string, string[]]> = [
    ['{a/b}', ['a/b']],
    ['/}{a/b}', ['/}a/b']],
    ['p{a/b,c/d}s', ['pa/bs', 'pc/ds']],
    ['{a/b,c/d,{e,f}}', ['a/b', 'c/d', '{e,f}']],
    ['{a/b,c/d}{e,f}', ['a/b{e,f}', 'c/d{e,f}']],
    ['{a,b}/{b,{c/d,e/f}}', ['{a,b}/b', '{a,b}/c/d', '{a,b}/e/f']],
    ['{a,b}/{c/\\d}', ['{a,b}/c/d']],
    ['/a/{b,c}/*', ['/a/{b,c}/*']],
    ['/x/{a,b/c', ['/x/{a,b/c']], // unbalanced: left for GlobPattern to refuse
  ];
  for (const [pattern, want] of table) {
    it(`${pattern} -> ${want.join(', ')}`, () => expect(expandGlobBraces(pattern)).to.deep.equal(want));
  }

  it('a trailing backslash is GlobExpander\'s error (naming the pattern after a split)', () => {
    const e = thrown(() => expandGlobBraces('/a/{b/c,d}\\'));
    expect(e.message).to.equal('Illegal file pattern: An escaped character does not present for glob /a/b/c\\ at 7');
    // without a group too: GlobExpander scans first, so GlobPattern's "Missing escaped character" never shows in a path
    expect(thrown(() => expandGlobBraces('/a/b\\')).message).to.equal('Illegal file pattern: An escaped character does not present for glob /a/b\\ at 5');
  });

  it('a pattern expanding into more than MAX_EXPANDED_PATTERNS paths is refused at once (fuzz: a repeated group exhausted the heap)', () => {
    expect(expandGlobBraces('{a/,b}'.repeat(10))).to.have.length(MAX_EXPANDED_PATTERNS);
    const e = thrown(() => expandGlobBraces('/user/alice/{logs/2026,tmp}/part-*'.repeat(64))); // 2^64 paths
    expect(e).to.include({ code: 'FS_INVALID_ARGUMENT' });
    expect(e.message).to.match(/^Illegal file pattern: \/user\/alice\/\{logs\/2026,tmp\}.*\.\.\. expands to more than 1024 paths/);
    expect(() => expandGlobBraces('{a/,b}'.repeat(11))).to.throw(/more than 1024 paths/);
    // 1024 paths, each through 200 more groups of one alternative: refused by the step bound
    expect(expandGlobBraces(`${'{a/,b}'.repeat(10)}${'{c/d}'.repeat(5)}`)).to.have.length(1024);
    expect(() => expandGlobBraces(`${'{a/,b}'.repeat(10)}${'{c/d}'.repeat(200)}`)).to.throw(/through more than 16384 \{\.\.\} groups/);
  });

  it('unescapes a component without wildcards', () => {
    expect(unescapeGlobComponent('a\\*b\\\\c\\d')).to.equal('a*b\\cd');
  });

  it('sorts as java.net.URI compares quoted paths', () => {
    expect(quoteUriPath('/a b/[x]{y}%?#^|"<>`\\')).to.equal('/a%20b/%5Bx%5D%7By%7D%25%3F%23%5E%7C%22%3C%3E%60%5C');
    expect(quoteUriPath("/é-_.!~*'():@&=+$,;\u00a0")).to.equal("/é-_.!~*'():@&=+$,;%C2%A0");
    // ' ' (%20) sorts after '!' once quoted
    expect(['/d/a b', '/d/a!', '/d/a-', '/d/B', '/d/a'].sort(compareUriPaths)).to.deep.equal(['/d/B', '/d/a', '/d/a!', '/d/a b', '/d/a-']);
  });
});
