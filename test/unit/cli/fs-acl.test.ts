// -getfacl / -setfacl option rules (AclCommands' processOptions): CommandFormat's options (letters
// and --set, not bundled, before the first operand) and each HadoopIllegalArgumentException message.
import { expect } from 'chai';
import { parseAclCommand, ShellArgumentError } from '../../../cluster/cli/fs-acl.ts';

const refused = (verb: '-getfacl' | '-setfacl', args: string[]): string => {
  try {
    parseAclCommand(verb, args);
  } catch (e) {
    expect(e).to.be.instanceOf(ShellArgumentError);
    return (e as Error).message;
  }
  return expect.fail('expected a refusal');
};

describe('cli/fs -getfacl and -setfacl options (AclCommands)', () => {
  it('-getfacl: -R, one path', () => {
    expect(parseAclCommand('-getfacl', ['-R', '/d'])).to.deep.equal({ recursive: true, path: '/d' });
    expect(refused('-getfacl', [])).to.equal('<path> is missing');
    expect(refused('-getfacl', ['/a', '/b'])).to.equal('Too many arguments');
    expect(refused('-getfacl', ['-x', '/a'])).to.equal('Illegal option -x');
  });

  it('-setfacl: each action with its spec; -x takes entries without permissions', () => {
    expect(parseAclCommand('-setfacl', ['-R', '-m', 'user:bob:r-x,default:group:eng:rwx', '/d'])).to.deep.equal({
      recursive: true, path: '/d', action: 'm',
      entries: [{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 5 }, { scope: 'DEFAULT', type: 'GROUP', name: 'eng', permission: 7 }],
    });
    expect(parseAclCommand('-setfacl', ['-x', 'user:bob', '/d']).entries).to.deep.equal([{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 0 }]);
    expect(parseAclCommand('-setfacl', ['--set', 'user::rwx,group::r-x,other::---', '/d']).action).to.equal('-set');
    expect(parseAclCommand('-setfacl', ['-b', '/d'])).to.deep.equal({ recursive: false, path: '/d', action: 'b' });
  });

  it('-setfacl: the refusals, in processOptions\' order', () => {
    expect(refused('-setfacl', ['-b', '-k', '/d'])).to.equal('Specified flags contains both remove and modify flags');
    expect(refused('-setfacl', ['--set', '-m', 'user::rwx', '/d'])).to.equal('Specified flags contains both remove and modify flags');
    expect(refused('-setfacl', ['-m'])).to.equal('Missing arguments: <acl_spec> <path>');
    expect(refused('-setfacl', ['-m', '/d'])).to.equal('Missing either <acl_spec> or <path>');
    expect(refused('-setfacl', ['-m', ',', '/d'])).to.equal('Missing <acl_spec> entry');
    expect(refused('-setfacl', ['-m', 'user:bob:rwz', '/d'])).to.equal('Invalid permission in <aclSpec> : user:bob:rwz');
    expect(refused('-setfacl', ['-b'])).to.equal('<path> is missing');
    expect(refused('-setfacl', ['-b', '/a', '/b'])).to.equal('Too many arguments');
    expect(refused('-setfacl', ['-R', '/d'])).to.equal('Expected one of -b, -k, -m, -x or --set options');
    expect(refused('-setfacl', ['-Rm', 'user:bob:rwx', '/d'])).to.equal('Illegal option -Rm');
  });
});
