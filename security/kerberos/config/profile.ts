/**
 * MIT's profile syntax (the krb5.conf format, MIT krb5 src/util/profile/prof_parse.c and the
 * krb5.conf(5) manual): `[section]` headers, `tag = value` relations, `tag = {` ... `}`
 * subsections, `#`/`;` comment lines, quoted values with backslash escapes, the `*` final marker
 * after a section header, a tag or a closing brace, and `include FILE` / `includedir DIR`
 * directives. Parsing yields a tree; merging later files never overrides a final node.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../lib/errors/index.ts';

/** One level of the profile tree: each tag maps to its values in file order. */
export interface ProfileNode {
  readonly relations: Map<string, Array<string | ProfileNode>>;
  /** Tags marked final (`tag* = ...`); later files cannot add to them. */
  readonly finalTags: Set<string>;
  final: boolean;
}

export const newNode = (): ProfileNode => ({ relations: new Map(), finalTags: new Set(), final: false });

function parseError(file: string, line: number, why: string): ConfigError {
  return new ConfigError('CONFIG_PARSE', `krb5.conf ${file}:${line}: ${why}`, { file, line });
}

function unquote(v: string, file: string, line: number): string {
  if (!v.startsWith('"')) return v;
  if (!v.endsWith('"') || v.length < 2) throw parseError(file, line, 'unterminated quoted value');
  const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '\\': '\\', '"': '"' };
  return v.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => map[c] ?? c);
}

function addRelation(node: ProfileNode, tag: string, value: string | ProfileNode, final: boolean): void {
  const list = node.relations.get(tag) ?? [];
  list.push(value);
  node.relations.set(tag, list);
  if (final) node.finalTags.add(tag);
}

/** Parses one file's text into a root node whose relations are the sections. */
export function parseProfile(text: string, file = '<string>', includes?: (path: string, dir: boolean) => ProfileNode[]): ProfileNode {
  const root = newNode();
  let section: ProfileNode | undefined;
  const stack: ProfileNode[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const inc = /^(include|includedir)\s+(.+)$/.exec(line);
    if (inc && stack.length === 0) {
      if (!includes) throw parseError(file, lineNo, `'${inc[1]}' directives are not supported here`);
      for (const sub of includes(inc[2]!.trim(), inc[1] === 'includedir')) mergeProfile(root, sub);
      continue;
    }
    if (line.startsWith('module ')) throw parseError(file, lineNo, "'module' directives (profile plugins) are not supported");
    const header = /^\[([^\]]+)\](\*?)$/.exec(line);
    if (header) {
      if (stack.length) throw parseError(file, lineNo, 'section header inside an unclosed { }');
      const name = header[1]!.trim();
      const existing = root.relations.get(name)?.[0];
      section = typeof existing === 'object' ? existing : newNode();
      if (!existing) root.relations.set(name, [section]);
      if (header[2]) section.final = true;
      continue;
    }
    if (!section) throw parseError(file, lineNo, 'relation outside any [section]');
    const current = stack.at(-1) ?? section;
    if (/^}\s*\*?$/.test(line)) {
      const closed = stack.pop();
      if (!closed) throw parseError(file, lineNo, "unmatched '}'");
      if (line.endsWith('*')) closed.final = true;
      continue;
    }
    const rel = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!rel) throw parseError(file, lineNo, `expected 'tag = value', got '${line.slice(0, 60)}'`);
    let tag = rel[1]!.trim();
    const final = tag.endsWith('*');
    if (final) tag = tag.slice(0, -1).trim();
    const value = rel[2]!.trim();
    if (value === '{') {
      const child = newNode();
      addRelation(current, tag, child, final);
      stack.push(child);
    } else {
      addRelation(current, tag, unquote(value, file, lineNo), final);
    }
  }
  if (stack.length) throw parseError(file, lines.length, `${stack.length} unclosed '{'`);
  return root;
}

/**
 * Merges `later` into `into` as MIT searches several files: values of `into` come first, a
 * subsection present on both sides merges recursively, and final nodes or tags of `into` are
 * left as they are.
 */
export function mergeProfile(into: ProfileNode, later: ProfileNode): void {
  if (into.final) return;
  for (const [tag, values] of later.relations) {
    if (into.finalTags.has(tag)) continue;
    const mine = into.relations.get(tag);
    const [a, b] = [mine?.[0], values[0]];
    if (mine?.length === 1 && values.length === 1 && typeof a === 'object' && typeof b === 'object') mergeProfile(a, b);
    else into.relations.set(tag, [...(mine ?? []), ...values]);
    if (later.finalTags.has(tag)) into.finalTags.add(tag);
  }
}

/** Reads a file (and its includes) into a profile tree. */
export function readProfileFile(path: string): ProfileNode {
  const text = readFileSync(path, 'utf8');
  return parseProfile(text, path, (target, dir) => {
    if (!dir) return [readProfileFile(target)];
    // includedir: files whose names are only alphanumerics, '-', '_' or end in '.conf' (krb5.conf(5)).
    const names = readdirSync(target).filter((n) => /^[A-Za-z0-9_-]+$/.test(n) || n.endsWith('.conf')).sort();
    return names.map((n) => join(target, n)).filter((p) => statSync(p).isFile()).map(readProfileFile);
  });
}

/** The string values of `section.tag` (or of `section.sub.tag`). */
export function values(root: ProfileNode, ...path: string[]): string[] {
  let node: ProfileNode | undefined = root;
  for (const name of path.slice(0, -1)) {
    const v: string | ProfileNode | undefined = node?.relations.get(name)?.[0];
    node = typeof v === 'object' ? v : undefined;
  }
  return (node?.relations.get(path.at(-1)!) ?? []).filter((v): v is string => typeof v === 'string');
}

/** The subsection names and nodes under `section` (e.g. each realm in [realms]). */
export function subsections(root: ProfileNode, section: string): Array<[string, ProfileNode]> {
  const sec = root.relations.get(section)?.[0];
  if (typeof sec !== 'object') return [];
  const out: Array<[string, ProfileNode]> = [];
  for (const [tag, vals] of sec.relations) for (const v of vals) if (typeof v === 'object') out.push([tag, v]);
  return out;
}
