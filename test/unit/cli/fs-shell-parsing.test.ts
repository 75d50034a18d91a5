/**
 * The pure parts of `hsec fs -text`, `-touch -t`, `-getmerge` and `-cp -p` option handling:
 * CompressionCodecFactory.getCodec's suffix rule, Touch's lenient SimpleDateFormat, Merge's
 * CommandFormat and Cp.popPreserveOption.
 */
import { expect } from 'chai';
import { codecFor } from '../../../cluster/cli/fs-text.ts';
import { parseTouchTimestamp, popOptionWithArgument } from '../../../cluster/cli/fs-queries.ts';
import { parseMerge } from '../../../cluster/cli/fs-getmerge.ts';
import { popPreserveOption } from '../../../cluster/cli/fs-preserve.ts';

describe('cli: hsec fs option and name parsing (-text, -touch -t, -getmerge, -cp -p)', () => {
  it('codecFor: the longest known suffix, case-sensitive, never the whole name', () => {
    expect(codecFor('/a/b.gz')?.name).to.equal('GzipCodec');
    expect(codecFor('/a/x.tar.gz')?.name).to.equal('GzipCodec');
    expect(codecFor('/a/part-00000.deflate')?.name).to.equal('DefaultCodec');
    expect(codecFor('/a/b.bz2')?.name).to.equal('BZip2Codec');
    expect(codecFor('/a/b.zst')?.name).to.equal('ZStandardCodec');
    expect(codecFor('/a/.gz')).to.equal(undefined); // headMap excludes the equal key
    expect(codecFor('/a/B.GZ')).to.equal(undefined);
    expect(codecFor('/a/gz')).to.equal(undefined);
    expect(codecFor('/a/b.gz.txt')).to.equal(undefined);
  });

  it('parseTouchTimestamp: local time, lenient fields, years below 100 as written', () => {
    expect(parseTouchTimestamp('20240229:235959')).to.equal(new Date(2024, 1, 29, 23, 59, 59).getTime());
    expect(parseTouchTimestamp('20231232:000000')).to.equal(new Date(2024, 0, 1).getTime());
    const y50 = new Date(2000, 0, 1);
    y50.setFullYear(50, 0, 1);
    expect(parseTouchTimestamp('00500101:000000')).to.equal(y50.getTime());
    expect(() => parseTouchTimestamp('2024-02-29')).to.throw('-touch: Unable to parse the specified timestamp 2024-02-29. The expected format is yyyyMMdd:HHmmss');
    expect(() => parseTouchTimestamp('20240229:2359')).to.throw(/Unable to parse/);
  });

  it('popOptionWithArgument and popPreserveOption take their option out of the arguments, stopping at --', () => {
    const args = ['-m', 'a', '-t', '20200101:000000', 'b'];
    expect(popOptionWithArgument('-touch', '-t', args)).to.equal('20200101:000000');
    expect(args).to.deep.equal(['-m', 'a', 'b']);
    expect(popOptionWithArgument('-touch', '-t', ['--', '-t', 'x'])).to.equal(undefined);
    expect(() => popOptionWithArgument('-touch', '-t', ['a', '-t'])).to.throw('-touch: option -t requires 1 argument.');
    const cp = ['-f', 'a', '-ptop', 'b'];
    expect([...popPreserveOption(cp, '')!].sort()).to.deep.equal(['o', 'p', 't']);
    expect(cp).to.deep.equal(['-f', 'a', 'b']);
    expect(popPreserveOption(['--', '-p', 'a', 'b'], '')).to.equal(undefined);
  });

  it('parseMerge: whole-word options before the operands, -- and - end them', () => {
    expect(parseMerge(['-nl', '-skip-empty-file', 'a', 'b', 'out'])).to.deep.equal({ newline: true, skipEmptyFile: true, sources: ['a', 'b'], localDst: 'out' });
    expect(parseMerge(['--', '-nl', 'out'])).to.deep.equal({ newline: false, skipEmptyFile: false, sources: ['-nl'], localDst: 'out' });
    expect(() => parseMerge(['-n', 'a', 'b'])).to.throw('-getmerge: Illegal option -n');
    expect(() => parseMerge(['a'])).to.throw('-getmerge: Not enough arguments: expected 2 but got 1');
  });
});
