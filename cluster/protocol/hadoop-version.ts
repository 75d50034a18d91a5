/**
 * The Hadoop release whose wire formats, keys and defaults hsec follows, and the version
 * comparison Hadoop's daemons apply to each other's software versions (hadoop-common
 * util/VersionUtil.compareVersions, Maven ComparableVersion order): numeric components compare as
 * numbers (missing ones are 0), then a qualifier ranks alpha < beta < milestone < rc < snapshot <
 * release < anything else, so 2.1.0-beta < 2.1.0 < 3.4.1.
 */

/** The Hadoop release hsec is compatible with (`hsec version`, the DataNode's softwareVersion). */
export const HADOOP_COMPATIBLE_VERSION = '3.4.1';

const QUALIFIER_RANK: Readonly<Record<string, number>> = { alpha: 0, a: 0, beta: 1, b: 1, milestone: 2, m: 2, rc: 3, cr: 3, snapshot: 4, '': 5, ga: 5, final: 5, release: 5 };

function parse(version: string): { numbers: number[]; qualifier: string } {
  const m = /^(\d+(?:\.\d+)*)[-._]?(.*)$/.exec(version.trim());
  if (!m) return { numbers: [], qualifier: version.trim().toLowerCase() };
  return { numbers: m[1]!.split('.').map(Number), qualifier: m[2]!.toLowerCase() };
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i++) {
    const d = (x.numbers[i] ?? 0) - (y.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  const rx = QUALIFIER_RANK[x.qualifier] ?? 6;
  const ry = QUALIFIER_RANK[y.qualifier] ?? 6;
  if (rx !== ry) return rx - ry;
  return x.qualifier < y.qualifier ? -1 : x.qualifier > y.qualifier ? 1 : 0;
}
