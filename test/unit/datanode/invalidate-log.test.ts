/**
 * The DataNode's DNA_INVALIDATE log line (BPServiceActor): a count and the first few block names at
 * INFO, however many replicas one command deleted; the whole list only at DEBUG.
 */
import { expect } from 'chai';
import type { Logger } from '../../../lib/log/logger.ts';
import { INVALIDATE_LOG_SAMPLE, logInvalidated } from '../../../cluster/datanode/namenode-link/bp-service-actor.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

interface Line {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

/** A logger at `threshold` that records the lines it would write. */
function recorder(threshold: string): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const enabled = (l: string) => LEVELS.indexOf(l) >= LEVELS.indexOf(threshold);
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => {
    if (enabled(level)) lines.push({ level, fields, msg });
  };
  const logger = {
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    isLevelEnabled: enabled,
    child: () => logger,
  } as unknown as Logger;
  return { logger, lines };
}

const replicas = (n: number) => Array.from({ length: n }, (_, i) => ({ blockId: 1073741825 + i, genStamp: 1001 }));

describe('datanode: DNA_INVALIDATE log line', () => {
  it('after a big -rm, INFO has the count, the first ten block names and "and N more", not every id', () => {
    const { logger, lines } = recorder('info');
    logInvalidated(logger, 'BP-1', replicas(2500));
    expect(lines).to.have.length(1);
    const [line] = lines;
    expect(line!.level).to.equal('info');
    expect(line!.fields).to.deep.equal({ blockPoolId: 'BP-1', count: 2500 });
    expect(line!.msg).to.match(/^DNA_INVALIDATE: 2500 replicas deleted: blk_1073741825_1001, .*, blk_1073741834_1001 and 2490 more$/);
    expect(line!.msg.match(/blk_/g)).to.have.length(INVALIDATE_LOG_SAMPLE);
    expect(INVALIDATE_LOG_SAMPLE).to.equal(10);
  });

  it('at DEBUG the full list follows as a field', () => {
    const { logger, lines } = recorder('debug');
    logInvalidated(logger, 'BP-1', replicas(25));
    expect(lines.map((l) => l.level)).to.deep.equal(['info', 'debug']);
    const all = lines[1]!.fields['deleted'] as string[];
    expect(all).to.have.length(25);
    expect(all[24]).to.equal('blk_1073741849_1001');
  });

  it('a few replicas: all named at INFO, no DEBUG repeat; none deleted: no line', () => {
    const { logger, lines } = recorder('debug');
    logInvalidated(logger, 'BP-1', replicas(1));
    logInvalidated(logger, 'BP-1', replicas(10));
    logInvalidated(logger, 'BP-1', []);
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([
      ['info', 'DNA_INVALIDATE: 1 replica deleted: blk_1073741825_1001'],
      ['info', `DNA_INVALIDATE: 10 replicas deleted: ${replicas(10).map((r) => `blk_${r.blockId}_1001`).join(', ')}`],
    ]);
  });
});
