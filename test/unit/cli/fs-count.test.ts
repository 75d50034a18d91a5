/**
 * `hsec fs -count`'s option parsing and columns without a NameNode, after Hadoop 3.4's Count,
 * ContentSummary and QuotaUsage: -t's value as CommandFormat.addOptionWithValue takes it, the
 * storage types StorageType.parseStorageType accepts, -x ignored with -q / -u, and the fixed-width
 * columns of -v, -t, -x, -e and -s.
 */
import { expect } from 'chai';
import { countHeader, countOptions, ecPolicyColumn, parseStorageTypes, popCountTypes, snapshotSummaryColumns, summaryColumns, typesQuotaColumns } from '../../../cluster/cli/fs-count.ts';
import type { ContentSummary, QuotaUsage } from '../../../cluster/protocol/client-protocol.ts';

const cs: ContentSummary = {
  length: 3000, fileCount: 5, directoryCount: 2, quota: -1, spaceConsumed: 9000, spaceQuota: -1,
  snapshotLength: 1000, snapshotFileCount: 1, snapshotDirectoryCount: 1, snapshotSpaceConsumed: 3000, erasureCodingPolicy: 'RS-6-3-1024k',
};

describe('cli/fs count: Count, ContentSummary and QuotaUsage formats', () => {
  it('popCountTypes: -t takes the next word unless it is an option or the last argument', () => {
    const a = ['-q', '-t', 'SSD,disk', '/p'];
    expect(popCountTypes(a)).to.equal('SSD,disk');
    expect(a).to.deep.equal(['-q', '/p']);
    const b = ['-q', '-t', '/p'];
    expect(popCountTypes(b)).to.equal(''); // the path is the one argument Count needs
    expect(b).to.deep.equal(['-q', '/p']);
    const c = ['-t', '-u', '/p'];
    expect(popCountTypes(c)).to.equal('');
    expect(c).to.deep.equal(['-u', '/p']);
    expect(popCountTypes(['-q', '/p', '-t', 'x'])).to.equal(undefined); // options end at the first path
  });

  it('parseStorageTypes: "" and all are the types with quotas; names in any case; an unknown one is StorageType.valueOf\'s error', () => {
    expect(parseStorageTypes('')).to.deep.equal(['SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM']);
    expect(parseStorageTypes('ALL')).to.deep.equal(['SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM']);
    expect(parseStorageTypes('ssd,,Ram_Disk')).to.deep.equal(['SSD', 'RAM_DISK']);
    expect(() => parseStorageTypes('disk,tape')).to.throw('-count: No enum constant org.apache.hadoop.fs.StorageType.TAPE');
  });

  it('countOptions: -t only with -q or -u; -x dropped with either, saying so', () => {
    let said = '';
    const o = countOptions(new Set(['q', 'x']), 'disk', (s) => void (said += s));
    expect(o).to.include({ quotas: true, excludeSnapshots: false });
    expect(o.types).to.deep.equal(['DISK']);
    expect(said).to.equal('q or u option is given, the -x option is ignored.\n');
    const x = countOptions(new Set(['x']), 'disk', () => undefined);
    expect(x.excludeSnapshots).to.equal(true);
    expect(x.types).to.equal(undefined);
  });

  it('countHeader: the main header, then ERASURECODING_POLICY (%20s) and the snapshot fields, then PATHNAME', () => {
    expect(countHeader(countOptions(new Set(['v', 'e', 's']), undefined, () => undefined))).to.equal(
      `${'DIR_COUNT'.padStart(12)} ${'FILE_COUNT'.padStart(12)} ${'CONTENT_SIZE'.padStart(18)} ${'ERASURECODING_POLICY'} ` +
        `${'SNAPSHOT_LENGTH'.padStart(18)} ${'SNAPSHOT_FILE_COUNT'.padStart(24)} ${'SNAPSHOT_DIR_COUNT'.padStart(24)} ${'SNAPSHOT_SPACE_CONSUMED'.padStart(28)} PATHNAME\n`,
    );
    expect(countHeader(countOptions(new Set(['v', 'u']), 'SSD,DISK', () => undefined))).to.equal(
      `${'SSD_QUOTA'.padStart(13)} ${'REM_SSD_QUOTA'.padStart(17)} ${'DISK_QUOTA'.padStart(13)} ${'REM_DISK_QUOTA'.padStart(17)} PATHNAME\n`,
    );
  });

  it('typesQuotaColumns: each type\'s quota and remainder (%13s %17s), none/inf without a quota', () => {
    const q: QuotaUsage = { fileAndDirectoryCount: 3, quota: -1, spaceConsumed: 0, spaceQuota: -1, typeQuotaInfos: { typeQuotaInfo: [{ type: 'SSD', quota: 4096, consumed: 1024 }] } };
    expect(typesQuotaColumns(q, ['SSD', 'DISK'], false)).to.equal(`${'4096'.padStart(13)} ${'3072'.padStart(17)} ${'none'.padStart(13)} ${'inf'.padStart(17)} `);
    expect(typesQuotaColumns(q, ['SSD'], true)).to.equal(`${'4 K'.padStart(13)} ${'3 K'.padStart(17)} `);
  });

  it('summaryColumns with -x, the EC policy column and the snapshot columns', () => {
    expect(summaryColumns(cs, false, false, false)).to.equal(`${'2'.padStart(12)} ${'5'.padStart(12)} ${'3000'.padStart(18)} `);
    expect(summaryColumns(cs, false, false, true)).to.equal(`${'1'.padStart(12)} ${'4'.padStart(12)} ${'2000'.padStart(18)} `);
    expect(ecPolicyColumn(cs)).to.equal(`${'EC:RS-6-3-1024k'.padStart(20)} `);
    expect(ecPolicyColumn({ ...cs, erasureCodingPolicy: 'Replicated' })).to.equal(`${'Replicated'.padStart(20)} `);
    expect(ecPolicyColumn({ ...cs, erasureCodingPolicy: '' })).to.equal(`${'EC:'.padStart(20)} `); // a directory without a policy
    expect(snapshotSummaryColumns(cs, true)).to.equal(`${'1000'.padStart(18)} ${'1'.padStart(24)} ${'1'.padStart(24)} ${'2.9 K'.padStart(28)} `);
  });
});
