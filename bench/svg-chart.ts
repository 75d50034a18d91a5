/**
 * A small SVG bar chart writer for bench results (no chart library): groups of horizontal bars,
 * each bar labelled with its value and its ratio to the group's first bar, a legend of the series,
 * plain text everywhere so the file diffs and reads in any browser.
 */

export interface ChartBar {
  readonly series: string;
  readonly value: number;
}

export interface ChartGroup {
  readonly title: string;
  readonly bars: readonly ChartBar[];
}

export interface ChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  /** Unit shown after values, e.g. 'calls/s'. */
  readonly unit: string;
  /** Colour per series name (others get grey). */
  readonly colors: Readonly<Record<string, string>>;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function format(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(1);
}

/** Renders the groups as an SVG document; bar lengths are relative to the largest value of all. */
export function renderBarChart(groups: readonly ChartGroup[], o: ChartOptions): string {
  const width = 960;
  const labelWidth = 330;
  const barArea = width - labelWidth - 150;
  const barHeight = 16;
  const groupGap = 18;
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const series = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const out: string[] = [];
  let y = 70;
  for (const g of groups) {
    out.push(`<text x="10" y="${y + 12}" class="group">${escape(g.title)}</text>`);
    y += 20;
    const base = g.bars[0]?.value ?? 0;
    for (const b of g.bars) {
      const w = Math.max(1, Math.round((b.value / max) * barArea));
      const ratio = base > 0 && b !== g.bars[0] ? `  (${(b.value / base).toFixed(2)} x)` : '';
      out.push(`<text x="${labelWidth - 8}" y="${y + 12}" class="label" text-anchor="end">${escape(b.series)}</text>`);
      out.push(`<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${o.colors[b.series] ?? '#999999'}"/>`);
      out.push(`<text x="${labelWidth + w + 6}" y="${y + 12}" class="value">${format(b.value)} ${escape(o.unit)}${ratio}</text>`);
      y += barHeight + 4;
    }
    y += groupGap;
  }
  const legend = series.map((s, i) => `<rect x="${10 + i * 190}" y="${y}" width="12" height="12" fill="${o.colors[s] ?? '#999999'}"/><text x="${28 + i * 190}" y="${y + 11}" class="label">${escape(s)}</text>`);
  const height = y + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:18px;font-weight:bold}.sub{font-size:12px;fill:#555}.group{font-size:14px;font-weight:bold}.label{font-size:12px}.value{font-size:11px;fill:#333}</style>',
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="26" class="title">${escape(o.title)}</text>`,
    o.subtitle ? `<text x="10" y="46" class="sub">${escape(o.subtitle)}</text>` : '',
    ...out,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
