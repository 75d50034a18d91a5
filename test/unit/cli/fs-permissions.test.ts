// The argument side of hsec fs -chmod / -chown / -chgrp (FsShellPermissions with CommandFormat):
// -R, -chmod taking other dashed words as modes, -chown and -chgrp refusing them, the owner and
// group patterns, and FsShell's messages for each refusal (usage errors: exit 2 with the usage line).
import { expect } from 'chai';
import { UsageError } from '../../../cluster/cli/usage.ts';
import { parseAttributeCommand, type AttributeVerb } from '../../../cluster/cli/fs-permissions.ts';
import { chmodResult } from '../../../cluster/client/permission-parser.ts';

function refusal(verb: AttributeVerb, args: string[]): UsageError {
  try {
    parseAttributeCommand(verb, args);
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return e as UsageError;
  }
  return expect.fail(`${verb} ${args.join(' ')} was accepted`);
}

function owners(verb: AttributeVerb, spec: string): [string | undefined, string | undefined] {
  const c = parseAttributeCommand(verb, [spec, '/f']).change;
  if (c.kind !== 'owner') return expect.fail('not an owner change');
  return [c.owner, c.group];
}

describe('cli: hsec fs -chmod / -chown / -chgrp arguments', () => {
  it('-chmod: -R before the mode; other dashed words are modes (-w), even before -R; -- ends the options', () => {
    const a = parseAttributeCommand('-chmod', ['-R', '750', 'd', 'e']);
    expect([a.recursive, a.paths]).to.deep.equal([true, ['d', 'e']]);
    expect(a.change.kind === 'mode' && chmodResult(a.change.change, 0o777, true)).to.equal(0o750);
    const w = parseAttributeCommand('-chmod', ['-w', '-R', 'f']);
    expect([w.recursive, w.paths]).to.deep.equal([true, ['f']]);
    expect(w.change.kind === 'mode' && chmodResult(w.change.change, 0o666, false)).to.equal(0o444);
    expect(parseAttributeCommand('-chmod', ['644', '-R']).recursive).to.equal(false); // after the mode, -R is a path
    expect(refusal('-chmod', ['--', '-R', 'f']).message).to.equal("-chmod: chmod : mode '-R' does not match the expected pattern.");
  });

  it('-chmod refusals: too few arguments, a mode that is neither symbolic nor octal', () => {
    const few = refusal('-chmod', ['-R', '755']);
    expect(few.message).to.equal('-chmod: Not enough arguments: expected 2 but got 1');
    expect(few.usage).to.equal('hsec fs -chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...');
    expect(refusal('-chmod', []).message).to.equal('-chmod: Not enough arguments: expected 2 but got 0');
    expect(refusal('-chmod', ['u+y', 'f']).message).to.equal("-chmod: chmod : mode 'u+y' does not match the expected pattern.");
    expect(refusal('-chmod', ['8755', 'f']).message).to.equal("-chmod: chmod : mode '8755' does not match the expected pattern.");
  });

  it('-chown: OWNER, OWNER:GROUP, OWNER: (owner only), :GROUP; names of letters, digits and - _ . / @', () => {
    expect(owners('-chown', 'alice')).to.deep.equal(['alice', undefined]);
    expect(owners('-chown', 'alice:staff')).to.deep.equal(['alice', 'staff']);
    expect(owners('-chown', 'alice:')).to.deep.equal(['alice', undefined]);
    expect(owners('-chown', ':staff')).to.deep.equal([undefined, 'staff']);
    expect(owners('-chown', ' svc.etl@EXAMPLE-1/x_y ')).to.deep.equal(['svc.etl@EXAMPLE-1/x_y', undefined]);
    expect(parseAttributeCommand('-chown', ['-R', 'alice', 'd']).recursive).to.equal(true);
  });

  it('-chown refusals: FsShell\'s texts', () => {
    expect(refusal('-chown', [':', 'f']).message).to.equal("-chown: ':' does not specify owner or group.");
    expect(refusal('-chown', ['al ice', 'f']).message).to.equal("-chown: 'al ice' does not match expected pattern for [owner][:group].");
    expect(refusal('-chown', ['a:b:c', 'f']).message).to.equal("-chown: 'a:b:c' does not match expected pattern for [owner][:group].");
    expect(refusal('-chown', ['-x', 'alice', 'f']).message).to.equal('-chown: Illegal option -x');
    expect(refusal('-chown', ['alice']).message).to.equal('-chown: Not enough arguments: expected 2 but got 1');
    expect(refusal('-chown', ['alice']).usage).to.equal('hsec fs -chown [-R] [OWNER][:[GROUP]] PATH...');
  });

  it('-chgrp: one group name; a colon or an empty name is refused', () => {
    expect(owners('-chgrp', 'staff')).to.deep.equal([undefined, 'staff']);
    expect(refusal('-chgrp', [':staff', 'f']).message).to.equal("-chgrp: ':staff' does not match expected pattern for group");
    expect(refusal('-chgrp', ['', 'f']).message).to.equal("-chgrp: '' does not match expected pattern for group");
    expect(refusal('-chgrp', ['-w', 'staff', 'f']).message).to.equal('-chgrp: Illegal option -w');
    expect(refusal('-chgrp', ['staff']).usage).to.equal('hsec fs -chgrp [-R] GROUP PATH...');
  });
});
