// docs/ and the README stand alone: every relative link resolves to a file of the repository, and
// no page points at material outside it (the team's reference notes, design notes, absolute paths
// of a development machine).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

describe('docs stand alone', () => {
  for (const page of PAGES) {
    it(`${page}: relative links resolve inside the repository; nothing points outside it`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const broken: string[] = [];
      // Inline code is not a link (`RULE:[1:$1](regex)` in configuration.md).
      for (const m of text.replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const path = resolve(dirname(join(ROOT, page)), target);
        if (!path.startsWith(ROOT) || !existsSync(path)) broken.push(target);
      }
      expect(broken, 'links to missing files').to.deep.equal([]);
      expect(text).to.not.match(/hadoop-wire\.md|hdfs-data-path\.md|DESIGN\.md|\/work\/|shared\/reference/);
    });
  }
});
