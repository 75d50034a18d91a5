/**
 * Java regex and replacement semantics evaluated with JavaScript, checked against vectors the JDK's own
 * java.util.regex produced (fixtures/java-regex-vectors.json; regenerate with
 * fixtures/gen-java-regex-vectors.ts), plus the constructs we refuse rather than mistranslate.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { compileJavaRegex, javaReplace, translateJavaRegex } from '../../../../security/kerberos/names/java-regex.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';

interface Vector {
  pattern: string;
  input: string;
  replacement: string;
  matches: boolean | null;
  replaceFirst: string | null;
  replaceAll: string | null;
  error: string | null;
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/java-regex-vectors.json', import.meta.url), 'utf8')) as {
  source: string;
  cases: Vector[];
};

function run(v: Vector): { matches: boolean; replaceFirst: string; replaceAll: string } {
  return {
    matches: compileJavaRegex(v.pattern, { whole: true }).test(v.input),
    replaceFirst: javaReplace(v.input, compileJavaRegex(v.pattern), v.replacement),
    replaceAll: javaReplace(v.input, compileJavaRegex(v.pattern, { global: true }), v.replacement),
  };
}

describe('java-regex', () => {
  it('the vectors come from the JDK', () => {
    expect(vectors.source).to.match(/java\.util\.regex of openjdk/);
    expect(vectors.cases.length).to.be.greaterThan(40);
  });

  for (const v of vectors.cases) {
    const label = `/${v.pattern}/ on "${v.input}" with "${v.replacement}"`;
    if (v.error === null) {
      it(`matches the JDK: ${label}`, () => {
        expect(run(v)).to.deep.equal({ matches: v.matches, replaceFirst: v.replaceFirst, replaceAll: v.replaceAll });
      });
    } else {
      it(`fails like the JDK (${v.error}): ${label}`, () => {
        // The JDK accepts a dangling "{" as a literal only in some positions; we report every failure as KRB_NAME.
        expect(() => run(v)).to.throw(KerberosError).with.property('code', 'KRB_NAME');
      });
    }
  }

  describe('constructs JavaScript cannot express are refused, not mistranslated', () => {
    for (const pattern of ['a*+', 'a++b', 'a?+', 'a{2}+', '(?>ab)', '[a-z&&[^e]]', '[a[bc]]', 'x(?i)y', '\\Gx', 'a\\Z', '\\R', '\\h', '[\\P{Alpha}]', '\\p{Greek}']) {
      it(pattern, () => {
        expect(() => translateJavaRegex(pattern)).to.throw(KerberosError).with.property('code', 'KRB_NAME');
      });
    }
  });
});
