// docs/, the README and the source trees stand alone: every relative link of a page resolves to a
// file of the repository, and nothing points at material outside it (the team's reference notes,
// design notes, absolute paths of a development machine). Code comments cite Hadoop classes,
// .proto messages, RFCs and JDK classes instead.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const OUTSIDE = /hadoop-wire\.md|hdfs-data-path\.md|DESIGN\.md|\/work\/|shared\/reference/;

const SOURCE_TREES = ['lib', 'security', 'cluster', 'bin', 'api', 'scripts', 'bench', 'test'];
const SOURCE_EXTENSIONS = new Set(['.ts', '.mjs', '.js', '.cjs', '.sh', '.java', '.proto', '.json', '.md', '.xml', '']);
// Generated output and local run results (.gitignore), not sources.
const SKIP_DIRS = new Set(['node_modules', 'results', '.tmp']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(path);
    return e.isFile() && SOURCE_EXTENSIONS.has(extname(e.name)) ? [path] : [];
  });
}

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
      expect(text).to.not.match(OUTSIDE);
    });
  }
});

describe('source trees stand alone', () => {
  const self = fileURLToPath(import.meta.url);
  for (const tree of SOURCE_TREES) {
    it(`${tree}/: no comment or string points at notes or paths outside the repository`, () => {
      const hits: string[] = [];
      for (const file of sourceFiles(join(ROOT, tree))) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (file === self && line.startsWith('const OUTSIDE =')) return; // the check's own pattern
          if (OUTSIDE.test(line)) hits.push(`${relative(ROOT, file)}:${i + 1}`);
        });
      }
      expect(hits, 'cite the Hadoop class, .proto message, RFC or JDK class instead').to.deep.equal([]);
    });
  }
});
