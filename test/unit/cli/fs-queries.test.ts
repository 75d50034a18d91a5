// FsShell's number and stat formats without a NameNode: StringUtils.TraditionalBinaryPrefix
// .long2String(n, "", 1) as -du -h / -count -h print sizes (exact multiples without a decimal, a
// tie rounded up as Java's %.1f does, the 1024 rounding case moving to the next prefix, Long.MAX_VALUE), and
// Stat's format letters (octal and symbolic modes, UTC times, an unknown letter printed as itself,
// a trailing % dropped, %l and %% as the letter).
import { expect } from 'chai';
import { humanSize, statLine } from '../../../cluster/cli/fs-queries.ts';
import type { FileStatus } from '../../../cluster/client/file-status.ts';

describe('cli/fs queries: FsShell size and stat formats', () => {
  it('humanSize is TraditionalBinaryPrefix.long2String(n, "", 1)', () => {
    expect([0, 1023, 1024, 1536, 1500, 2048, 3 * 1024 * 1024, 3149228].map(humanSize)).to.deep.equal(['0', '1023', '1 K', '1.5 K', '1.5 K', '2 K', '3 M', '3.0 M']);
    // %.1f rounds a tie up: 1280 bytes are 1.25 K, printed 1.3 K
    expect(humanSize(1280)).to.equal('1.3 K');
    expect(humanSize(1178)).to.equal('1.2 K');
    expect(humanSize(1024 * 1024 - 1)).to.equal('1.0 M'); // "1024.0 K" moves to the next prefix
    expect(humanSize(9_223_372_036_854_775_807n)).to.equal('8.0 E');
    expect(humanSize(1n << 62n)).to.equal('4 E');
    expect(humanSize(-2048)).to.equal('-2 K');
  });

  it('statLine: Stat\'s letters; %a octal with the sticky bit, %A symbolic, times in UTC', () => {
    const s: FileStatus = {
      path: '/d/tmp', type: 'directory', length: 0, owner: 'hdfs', group: 'supergroup', permission: 0o1777,
      modificationTime: 86_400_000, accessTime: 0, replication: 0, blockSize: 0, fileId: 16386, childrenNum: 0,
    };
    expect(statLine('%a %A %F %n %u %g %b %r %o %y %Y %x %X', s)).to.equal('1777 rwxrwxrwt directory tmp hdfs supergroup 0 0 0 1970-01-02 00:00:00 86400000 1970-01-01 00:00:00 0');
    expect(statLine('%a|%z|100%', { ...s, permission: 0o7 })).to.equal('7|z|100');
    // 3.4's Stat has no %l (it went with FileStatus.isLazyPersist): the letter prints as itself, as does %%
    expect(statLine('%l %% %', s)).to.equal('l % ');
  });
});
