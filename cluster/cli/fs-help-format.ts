/**
 * How FsShell lays out `-help` text (org.apache.hadoop.fs.FsShell.printInstanceHelp, 3.4): the
 * command's usage and ` :`, then each line of its DESCRIPTION indented two spaces and wrapped at 80
 * columns (StringUtils.wrap, long words broken), except runs of option lines (`-x: text` or
 * `<arg>: text`, exactly one colon) which become a two-column table (TableListing: the first column
 * as wide as its longest entry plus one, the second shrunk until the table fits 80 columns and
 * wrapped to it, every cell padded, an empty header row printed as blanks). Pure functions.
 */

/** FsShell.MAX_LINE_WIDTH. */
const MAX_LINE_WIDTH = 80;

/**
 * StringUtils.wrap(str, width, "\n", true) (commons-lang WordUtils.wrap): break at the last space
 * at or before `width` characters from the line start, a space at a line start is skipped, a word
 * longer than the width is cut.
 */
export function wrap(str: string, width: number): string {
  const w = Math.max(width, 1);
  let offset = 0;
  let wrapped = '';
  while (str.length - offset > w) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const space = str.lastIndexOf(' ', w + offset);
    if (space >= offset) {
      wrapped += `${str.slice(offset, space)}\n`;
      offset = space + 1;
    } else {
      wrapped += `${str.slice(offset, offset + w)}\n`;
      offset += w;
    }
  }
  return wrapped + str.slice(offset);
}

/** Java's String.split for a one-character separator: trailing empty strings removed ("" stays [""]). */
export function javaSplit(s: string, sep: string): string[] {
  if (s === '') return [''];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** TableListing with fields ("", "" wrapped), wrapWidth 80, header shown: the lines it prints. */
export function optionTable(rows: readonly (readonly [string, string])[]): string[] {
  const all: (readonly [string, string])[] = [['', ''], ...rows];
  // Column.addRow: maxWidth is the longest value plus one
  const width0 = Math.max(...all.map(([a]) => a.length + 1));
  let width1 = Math.max(...all.map(([, b]) => b.length + 1));
  let wrapWidth1 = Number.MAX_SAFE_INTEGER;
  // TableListing.toString: narrow the wrapped column by one (Column.setWrapWidth(maxWidth - 1)) while (columns - 1) * 2 + widths is over 80
  for (let total = 2 + width0 + width1; total > MAX_LINE_WIDTH && width1 > 10; total--) wrapWidth1 = --width1;
  const lines: string[] = [];
  for (const [a, b] of all) {
    const col0 = [a.padEnd(width0)];
    const col1 = javaSplit(wrap(b, wrapWidth1), '\n').map((l) => l.padEnd(width1));
    for (let i = 0; i < Math.max(col0.length, col1.length); i++) {
      lines.push(`${col0[i] ?? ' '.repeat(width0)} ${col1[i] ?? ' '.repeat(width1)}`);
    }
  }
  return lines;
}

/** An option line of a description: starts (after blanks) with `-` or `<` and has exactly one `:` (Java's split drops a trailing empty part). */
function optionRow(line: string): [string, string] | undefined {
  if (!/^[ \t]*[-<]/.test(line)) return undefined;
  const segments = javaSplit(line, ':');
  return segments.length === 2 ? [segments[0]!.trim(), segments[1]!.trim()] : undefined;
}

/** FsShell.printInstanceHelp: the text `-help cmd` prints for a command (ends with a newline). */
export function instanceHelp(usage: string, description: string): string {
  const out: string[] = [`${usage} :`];
  let rows: [string, string][] | undefined;
  const flush = () => {
    if (rows) out.push(...optionTable(rows).map((l) => `  ${l}`));
    rows = undefined;
  };
  for (const line of javaSplit(description, '\n')) {
    const row = optionRow(line);
    if (row) {
      (rows ??= []).push(row);
      continue;
    }
    flush();
    out.push(...javaSplit(wrap(line, MAX_LINE_WIDTH), '\n').map((l) => `  ${l}`));
  }
  flush();
  return `${out.join('\n')}\n`;
}
