// hsec storagepolicies without a server: StoragePolicyAdmin's usage, -help texts (AdminHelper's
// HelpCommand and TableListing, checked against StoragePolicyAdmin.java 3.4.1), the argument
// refusals and their exit codes, and AdminHelper.prettifyException of a NameNode refusal (unwrapped
// or kept as a RemoteException, as DFSClient does). Nothing here reads a configuration.
import { expect } from 'chai';
import { prettifyException } from '../../../cluster/cli/admin-helper.ts';
import { runStoragePolicies } from '../../../cluster/cli/commands/storagepolicies.ts';
import { FileSystemError } from '../../../lib/errors/index.ts';

describe('cli/storagepolicies: StoragePolicyAdmin usage, help and argument refusals', () => {
  async function sp(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runStoragePolicies('/nonexistent/hsec-conf', args, { out: (x) => void (out += x), err: (x) => void (err += x), env: {} });
    return { code, out, err };
  }
  const USAGE = 'Usage: hsec storagepolicies [COMMAND]\n' +
    '          [-listPolicies]\n' +
    '          [-setStoragePolicy -path <path> -policy <policy>]\n' +
    '          [-getStoragePolicy -path <path>]\n' +
    '          [-unsetStoragePolicy -path <path>]\n' +
    '          [-satisfyStoragePolicy -path <path>]\n' +
    '          [-help <command-name>]\n\n' +
    'Generic options supported are:\n';
  const SET_LONG = '[-setStoragePolicy -path <path> -policy <policy>]\n\nSet the storage policy to a file/directory.\n\n' +
    '<path>    The path of the file/directory to set storage policy \n' +
    '<policy>  The name of the block storage policy                 \n';

  it('no command: the usage and the generic options on stderr, exit 1; an unknown one says so first', async () => {
    const none = await sp();
    expect([none.code, none.out]).to.deep.equal([1, '']);
    expect(none.err.startsWith(USAGE)).to.equal(true);
    const bogus = await sp('listPolicies');
    expect(bogus.code).to.equal(1);
    expect(bogus.err.startsWith(`Can't understand command 'listPolicies'\nCommand names must start with dashes.\n${USAGE}`)).to.equal(true);
    const dashed = await sp('-list');
    expect(dashed.err.startsWith(`Can't understand command '-list'\n${USAGE}`)).to.equal(true);
  });

  it('-help: every long usage (exit 1), one command\'s (exit 0), an unknown name, too many words', async () => {
    const all = await sp('-help');
    expect(all.code).to.equal(1);
    expect(all.err).to.contain(`${SET_LONG}\n[-getStoragePolicy -path <path>]\n`);
    expect(all.err).to.contain('<path>  The path of the file/directory from which the storage policy will be   \n        unset.                                                                 \n');
    expect(await sp('-help', 'setStoragePolicy')).to.deep.equal({ code: 0, out: '', err: SET_LONG });
    expect(await sp('-help', 'help')).to.deep.equal({
      code: 0, out: '',
      err: '[-help <command-name>]\n\nGet detailed help about a command.\n\n' +
        '<command-name>  The command for which to get detailed help. If no command is   \n' +
        '                specified, print detailed help for all commands                \n',
    });
    expect(await sp('-help', 'nope')).to.deep.equal({
      code: 1, out: '',
      err: "Unknown command 'nope'.\nValid help command names are:\nlistPolicies, setStoragePolicy, getStoragePolicy, unsetStoragePolicy, satisfyStoragePolicy\n",
    });
    expect(await sp('-help', 'a', 'b')).to.deep.equal({ code: 1, out: '', err: 'You must give exactly one argument to -help.\n' });
  });

  it('missing -path or -policy: the message and the long usage, exit 1; an option without its value or an empty path: exit 255', async () => {
    expect(await sp('-setStoragePolicy')).to.deep.equal({ code: 1, out: '', err: `Please specify the path for setting the storage policy.\nUsage: ${SET_LONG}\n` });
    expect(await sp('-setStoragePolicy', '-path', '/d')).to.deep.equal({ code: 1, out: '', err: `Please specify the policy name.\nUsage: ${SET_LONG}\n` });
    expect((await sp('-getStoragePolicy')).err.startsWith('Please specify the path with -path.\nUsage: [-getStoragePolicy -path <path>]\n')).to.equal(true);
    expect((await sp('-unsetStoragePolicy')).err.startsWith('Please specify the path from which the storage policy will be unset.\nUsage: [-unsetStoragePolicy')).to.equal(true);
    expect((await sp('-satisfyStoragePolicy')).err.startsWith('Please specify the path for setting the storage policy.\nUsage: [-satisfyStoragePolicy')).to.equal(true);
    expect(await sp('-setStoragePolicy', '-path', '/d', '-policy')).to.deep.equal({ code: 255, out: '', err: 'IllegalArgumentException: option -policy requires 1 argument.\n' });
    expect(await sp('-unsetStoragePolicy', '-path', '')).to.deep.equal({ code: 255, out: '', err: 'IllegalArgumentException: Can not create a Path from an empty string\n' });
  });

  it('prettifyException: the simple class name DFSClient unwraps, else RemoteException; the first line of the message', () => {
    const remote = (cls: string, msg: string) => new FileSystemError('FS_INVALID_ARGUMENT', `${cls}: ${msg}`, { exceptionClassName: cls, errorMsg: msg });
    const unwrap = ['org.apache.hadoop.hdfs.server.namenode.SafeModeException'];
    expect(prettifyException(remote('org.apache.hadoop.HadoopIllegalArgumentException', 'Cannot find a block policy with the name X'), unwrap))
      .to.equal('RemoteException: Cannot find a block policy with the name X');
    expect(prettifyException(remote('org.apache.hadoop.hdfs.server.namenode.SafeModeException', 'Cannot set storage policy for /d. Name node is in safe mode.\nIt was turned on manually.'), unwrap))
      .to.equal('SafeModeException: Cannot set storage policy for /d. Name node is in safe mode.');
    expect(prettifyException(new FileSystemError('FS_NOT_FOUND', 'no such thing', { exceptionClassName: 'java.io.FileNotFoundException' }))).to.equal('FileNotFoundException: no such thing');
    expect(prettifyException(new Error('socket closed'))).to.equal('IOException: socket closed');
  });
});
