// `hsec fs -createSnapshot / -deleteSnapshot / -renameSnapshot` before any NameNode is asked:
// SnapshotCommands.processOptions' argument counts (an IllegalArgumentException: FsShell prints
// `-verb: message`, the usage list and the command's usage, exit -1), with no option parsing, and
// -help's text from the classes' USAGE and DESCRIPTION.
import { expect } from 'chai';
import { runFs } from '../../../cluster/cli/commands/fs.ts';
import { parseSnapshotCommand } from '../../../cluster/cli/fs-snapshot.ts';
import { SHELL_FAILURE } from '../../../cluster/cli/fs-help.ts';

async function fs(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runFs('/nonexistent-conf-dir', argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('cli/fs snapshot commands (SnapshotCommands, Hadoop 3.4.1)', () => {
  for (const [argv, message, usage] of [
    [['-createSnapshot'], '<snapshotDir> is missing.', '-createSnapshot <snapshotDir> [<snapshotName>]'],
    [['-createSnapshot', '/d', 's1', 'x'], 'Too many arguments.', '-createSnapshot <snapshotDir> [<snapshotName>]'],
    [['-deleteSnapshot', '/d'], 'Incorrect number of arguments.', '-deleteSnapshot <snapshotDir> <snapshotName>'],
    [['-deleteSnapshot', '/d', 's1', 's2'], 'Incorrect number of arguments.', '-deleteSnapshot <snapshotDir> <snapshotName>'],
    [['-renameSnapshot', '/d', 's1'], 'Incorrect number of arguments.', '-renameSnapshot <snapshotDir> <oldName> <newName>'],
  ] as const) {
    it(`${argv.join(' ')}: "${message}", the usage list and the command's usage, exit -1`, async () => {
      const r = await fs(...argv);
      expect(r.code).to.equal(SHELL_FAILURE);
      expect(r.out).to.equal('');
      expect(r.err).to.match(new RegExp(`^${argv[0]}: ${message.replace(/[.<>[\]]/g, '\\$&')}\nUsage: hsec fs \\[generic options\\]\n\t\\[-appendToFile `));
      expect(r.err.endsWith(`\nUsage: hsec fs [generic options] ${usage}\n`), r.err.slice(-200)).to.equal(true);
      expect(r.err).to.contain(`\t[${usage}]\n`);
    });
  }

  it('no options are parsed: a dash-word is the directory or a name; the names come off the end', () => {
    expect(parseSnapshotCommand('-createSnapshot', ['-x'])).to.deep.equal({ verb: '-createSnapshot', dir: '-x', names: [] });
    expect(parseSnapshotCommand('-createSnapshot', ['/d', '-s'])).to.deep.equal({ verb: '-createSnapshot', dir: '/d', names: ['-s'] });
    expect(parseSnapshotCommand('-renameSnapshot', ['/d', 'a', 'b'])).to.deep.equal({ verb: '-renameSnapshot', dir: '/d', names: ['a', 'b'] });
  });

  it('-help and -usage: USAGE and DESCRIPTION of CreateSnapshot, DeleteSnapshot, RenameSnapshot', async () => {
    expect((await fs('-help', 'createSnapshot', 'deleteSnapshot', 'renameSnapshot')).out).to.equal(
      '-createSnapshot <snapshotDir> [<snapshotName>] :\n  Create a snapshot on a directory\n' +
      '-deleteSnapshot <snapshotDir> <snapshotName> :\n  Delete a snapshot from a directory\n' +
      '-renameSnapshot <snapshotDir> <oldName> <newName> :\n  Rename a snapshot from oldName to newName\n');
    expect((await fs('-usage', 'deleteSnapshot')).out).to.equal('Usage: hsec fs [generic options] -deleteSnapshot <snapshotDir> <snapshotName>\n');
  });
});
