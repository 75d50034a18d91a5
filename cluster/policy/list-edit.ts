/**
 * The edits `hsec policy` makes to a list text (whitelist or principal rules, the line format of
 * security/resolver/list-text.ts), pure: an entry is checked with the parser the servers use, so a
 * line no server would accept is refused before anything is written; `add` appends it (nothing
 * changes when the same entry is already there), `remove` deletes every line naming the same
 * entry (for addresses and CIDRs: the same prefix, so `127.0.0.2` removes `127.0.0.2/32`), `replace`
 * (import) takes a whole text whose every line parses. Comments and blank lines are kept.
 */
import { parseIpPrefix } from '../../lib/net/ip-address.ts';
import { parseIpList } from '../../security/resolver/ip-list.ts';
import { describeListProblem, type ListProblem } from '../../security/resolver/list-problems.ts';
import { listLines } from '../../security/resolver/list-text.ts';
import { parsePrincipalRules } from '../../security/resolver/principal-rules.ts';

export type ListKind = 'whitelist' | 'principals';

/** What went wrong with a proposed entry or text: one line per problem. */
export class ListEditError extends Error {}

/** The problems a server would report for `text` (host names are not resolved here). */
export function listProblems(kind: ListKind, text: string, origin: string): ListProblem[] {
  return kind === 'whitelist' ? parseIpList(text, origin).problems : [...parsePrincipalRules(text, origin).problems];
}

/** Checks one entry; returns it trimmed. */
export function checkEntry(kind: ListKind, entry: string): string {
  const t = entry.trim();
  if (t === '' || t.includes('\n') || t.includes('\r') || t.startsWith('#')) throw new ListEditError(`"${entry}" is not an entry: one address, CIDR, host name or principal pattern, without # or line breaks`);
  const problems = listProblems(kind, t, 'the entry');
  if (problems.length > 0) throw new ListEditError(problems.map((p) => ('reason' in p ? p.reason : describeListProblem(p))).join('; '));
  return t;
}

/** The entries of a text (significant lines), in order. */
export function entries(text: string): string[] {
  return listLines(text).map((l) => l.text);
}

/** Prefix identity of an address or CIDR entry (`10.1.2.3/8` is `10.0.0.0/8`), else the text itself. */
function identity(kind: ListKind, entry: string): string {
  if (kind !== 'whitelist' || entry === '*') return entry;
  const literal = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  const p = parseIpPrefix(literal.includes('/') ? literal : `${literal}/${literal.includes(':') ? 128 : 32}`);
  if ('error' in p) return entry.toLowerCase(); // a host name
  return `${Array.from(p.words).join(',')}/${p.length}`;
}

/** The text with `entry` appended; `changed` false when an equal entry is already there. */
export function addEntry(kind: ListKind, text: string, entry: string): { text: string; changed: boolean } {
  const e = checkEntry(kind, entry);
  const id = identity(kind, e);
  if (entries(text).some((x) => identity(kind, x) === id)) return { text, changed: false };
  const next = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${e}\n`;
  const problems = listProblems(kind, next, 'the list');
  if (problems.length > 0) throw new ListEditError(`adding "${e}" would make the list invalid: ${problems.map(describeListProblem).join('; ')}`);
  return { text: next, changed: true };
}

/** The text without the lines naming `entry`; `removed` counts them. */
export function removeEntry(kind: ListKind, text: string, entry: string): { text: string; removed: number } {
  const e = entry.trim();
  const id = identity(kind, e);
  let removed = 0;
  const kept = text.split(/(?<=\n)/).filter((line) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || identity(kind, t) !== id) return true;
    removed++;
    return false;
  });
  return { text: kept.join(''), removed };
}

/** A whole new text (import): refused, naming every bad line, unless every line parses. */
export function replaceText(kind: ListKind, text: string, origin: string): string {
  const problems = listProblems(kind, text, origin);
  if (problems.length > 0) throw new ListEditError(`${origin} has ${problems.length} bad line(s), nothing imported:\n${problems.map(describeListProblem).join('\n')}`);
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}
