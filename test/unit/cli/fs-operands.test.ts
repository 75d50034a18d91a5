// How FsShell prints a glob's matches for a relative argument (PathData.relativize) and the checks
// CommandWithDestination makes of a destination before any copy or move, without a NameNode.
import { expect } from 'chai';
import { checkDestination, relativize } from '../../../cluster/cli/fs-operands.ts';
import { HsecError } from '../../../lib/errors/index.ts';

describe('cli/fs-operands: PathData.relativize and the destination checks', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['/user/alice', '/user/alice', true, '.'],
    ['/user/alice', '/user/alice/d', true, 'd'],
    ['/user/alice', '/user/alice/d/f', false, 'd/f'],
    ['/user/alice', '/user/bob/x', false, '../bob/x'],
    ['/user/alice', '/user', true, '..'],
    ['/user/alice', '/tmp/x', false, '../../tmp/x'],
    ['/user/alice', '/user/alicex', false, '../alicex'],
    ['/', '/a', false, '../a'], // Hadoop's quirk for a working directory of / (the same path once resolved)
  ];
  for (const [cwd, path, isDir, want] of cases) {
    it(`${path} from ${cwd} is ${want}`, () => expect(relativize(cwd, path, isDir)).to.equal(want));
  }

  const dst = (exists: boolean, isDirectory: boolean, parent = true) => ({ shown: 'd', exists, isDirectory, parentExists: async () => parent });
  async function message(p: () => Promise<void> | void): Promise<string | undefined> {
    try {
      await p();
      return undefined;
    } catch (e) {
      return e instanceof HsecError ? `\`${String(e.details['shellPath'])}': ${e.message}` : String(e);
    }
  }
  it('several sources need an existing directory; one needs a directory, a new name under an existing parent, or -f', async () => {
    expect(await message(() => checkDestination(dst(false, false), 2, false))).to.equal("`d': No such file or directory");
    expect(await message(() => checkDestination(dst(true, false), 2, true))).to.equal("`d': Is not a directory");
    expect(await message(() => checkDestination(dst(true, true), 2, false))).to.equal(undefined);
    expect(await message(() => checkDestination(dst(true, false), 1, false))).to.equal("`d': File exists");
    expect(await message(() => checkDestination(dst(true, false), 1, true))).to.equal(undefined);
    expect(await message(() => checkDestination(dst(false, false, false), 1, false))).to.equal("`d': No such file or directory");
    expect(await message(() => checkDestination(dst(false, false, true), 1, false))).to.equal(undefined);
  });
});
