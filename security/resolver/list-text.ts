/**
 * The line format shared by hsec's lists (whitelists, principal rules): one entry per line
 * (LF, CRLF or CR, as Java's BufferedReader.readLine), surrounding whitespace trimmed, blank lines
 * and lines starting with `#` ignored. Hadoop's FileBasedIPList has no comment syntax, but it drops
 * a `#` line anyway (an unresolvable host name), so shared files behave the same. Pure.
 */

/** One significant line: its 1-based number and trimmed text. */
export interface ListLine {
  readonly line: number;
  readonly text: string;
}

/** The significant lines of a list text. */
export function listLines(text: string): ListLine[] {
  const out: ListLine[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    out.push({ line: i + 1, text: trimmed });
  }
  return out;
}
