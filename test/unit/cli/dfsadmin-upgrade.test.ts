// hsec dfsadmin -restoreFailedStorage / -refreshNodes / -finalizeUpgrade / -upgrade / -metasave:
// DFSAdmin.run's argument counts (printUsage(cmd) and -1) and the commands' own word checks, which
// refuse before any NameNode call (the configuration names none that listens).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DFSADMIN_FAILURE, runDfsadmin } from '../../../cluster/cli/commands/dfsadmin.ts';

describe('cli/dfsadmin upgrade, storage and nodes commands: argument checks', () => {
  let confDir: string;
  before(() => {
    confDir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-conf-'));
  });
  after(() => rmSync(confDir, { recursive: true, force: true }));
  async function dfsadmin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDfsadmin({ confDir, overrides: { 'fs.defaultFS': 'hdfs://127.0.0.1:1' } }, args, { out: (x) => void (out += x), err: (x) => void (err += x), env: {} });
    return { code, out, err };
  }

  it('a wrong number of words: DFSAdmin.printUsage(cmd) and -1 (255)', async () => {
    const usage = (u: string) => ({ code: DFSADMIN_FAILURE, out: '', err: `Usage: hsec dfsadmin ${u}\n` });
    expect(await dfsadmin('-restoreFailedStorage')).to.deep.equal(usage('[-restoreFailedStorage true|false|check ]'));
    expect(await dfsadmin('-refreshNodes', 'x')).to.deep.equal(usage('[-refreshNodes]'));
    expect(await dfsadmin('-finalizeUpgrade', 'x')).to.deep.equal(usage('[-finalizeUpgrade]'));
    expect(await dfsadmin('-upgrade')).to.deep.equal(usage('[-upgrade query | finalize]'));
    expect(await dfsadmin('-metasave')).to.deep.equal(usage('[-metasave filename]'));
    expect(await dfsadmin('-metasave', 'a', 'b')).to.deep.equal(usage('[-metasave filename]'));
  });

  it('-restoreFailedStorage with a word other than true|false|check, -upgrade with one other than query|finalize (any case)', async () => {
    expect(await dfsadmin('-restoreFailedStorage', 'TRUE')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'restoreFailedStorage valid args are true|false|check\n' });
    expect(await dfsadmin('-upgrade', 'status')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'Usage: hsec dfsadmin [-upgrade query | finalize]\n' });
    // QUERY is a known word: it goes to the (absent) NameNode and fails there, as a connection failure
    const r = await dfsadmin('-upgrade', 'QUERY');
    expect([r.code, r.out]).to.deep.equal([DFSADMIN_FAILURE, '']);
    expect(r.err).to.match(/^upgrade: /);
  });
});
