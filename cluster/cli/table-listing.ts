/**
 * Hadoop 3.4.1's org.apache.hadoop.tools.TableListing for tables without wrapped columns (the
 * listings of `hdfs cacheadmin`): each column is as wide as its longest cell plus one (the title
 * counts), a LEFT cell is padded on the right and a RIGHT one on the left to that width, cells are
 * joined by one space, the title row comes first, and every line ends with "\n". A null cell is "".
 */

export type Justification = 'LEFT' | 'RIGHT';

export interface TableField {
  title: string;
  justification: Justification;
}

/** TableListing.toString of `rows` under `fields`. */
export function tableListing(fields: readonly TableField[], rows: readonly (readonly (string | null)[])[]): string {
  const cells = [fields.map((f) => f.title), ...rows.map((r) => r.map((c) => c ?? ''))];
  const widths = fields.map((_, i) => Math.max(...cells.map((r) => r[i]!.length + 1)));
  return cells
    .map((r) => `${r.map((c, i) => (fields[i]!.justification === 'LEFT' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ')}\n`)
    .join('');
}
