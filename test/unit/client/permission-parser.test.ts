// Hadoop's mode texts (PermissionParser, ChmodParser, UmaskParser), pure: octal with and without the
// sticky digit, symbolic clauses with Hadoop's own rules (a later clause for a class replaces an
// earlier one, the sticky bit follows the "other" class, X only where execution is possible), and
// what both grammars refuse. Expected modes are worked out from those rules, not from the parser.
import { expect } from 'chai';
import { chmodResult, parseChmod, parseUmaskMode } from '../../../cluster/client/permission-parser.ts';

/** The mode -chmod `text` gives an inode with `existing` (a file unless `dir`). */
function chmod(text: string, existing: number, dir = false): number | undefined {
  const change = parseChmod(text);
  return change && chmodResult(change, existing, dir);
}

describe('client: chmod modes (ChmodParser)', () => {
  it('octal: three digits set rwx and clear the sticky bit; a fourth leading 0 or 1 sets it; a leading + is allowed', () => {
    expect(chmod('755', 0o1644)).to.equal(0o755);
    expect(chmod('1777', 0o000)).to.equal(0o1777);
    expect(chmod('0644', 0o1777)).to.equal(0o644);
    expect(chmod('+640', 0o777)).to.equal(0o640);
    expect(chmod(' 600 ', 0o777)).to.equal(0o600);
    for (const bad of ['2755', '7555', '75', '8', '0o755', '7 55', '']) expect(parseChmod(bad), bad).to.equal(undefined);
  });

  it('symbolic: u g o a, + - =, several clauses separated by commas; no class letter means all', () => {
    expect(chmod('u+x', 0o644)).to.equal(0o744);
    expect(chmod('go-w', 0o666)).to.equal(0o644);
    expect(chmod('a=r', 0o755)).to.equal(0o444);
    expect(chmod('=r', 0o755)).to.equal(0o444);
    expect(chmod('+rwx', 0o000)).to.equal(0o777);
    expect(chmod('u+x,go-w', 0o666)).to.equal(0o744);
    expect(chmod('u=rwx,g=rx', 0o777)).to.equal(0o757); // a class not named keeps its bits
    expect(parseChmod('u=rwx,g=rx,o=')).to.equal(undefined); // chmod needs a letter after the operator (umask does not)
    expect(chmod(' u+x , g+w ', 0o600)).to.equal(0o720);
    expect(chmod('u+x,', 0o600)).to.equal(0o700); // a trailing comma is fine
    expect(chmod('u+-x', 0o755)).to.equal(0o655); // the last operator character counts
    expect(chmod('au+x', 0o600)).to.equal(0o700); // 'a' beside another class adds nothing
  });

  it("Hadoop's own rules: a later clause for a class replaces an earlier one; the sticky bit goes with the other class", () => {
    expect(chmod('u+x,u+w', 0o444)).to.equal(0o644); // not 0o744 as POSIX chmod would give
    expect(chmod('+t', 0o755)).to.equal(0o1755);
    expect(chmod('o+t', 0o755)).to.equal(0o1755);
    expect(chmod('u+t', 0o755)).to.equal(0o755); // t without the other class does nothing
    expect(chmod('o-t', 0o1777)).to.equal(0o777);
    expect(chmod('a=r', 0o1777)).to.equal(0o444); // '=' on the other class clears the sticky bit
    expect(chmod('a-x', 0o1777)).to.equal(0o1666); // '-' without t keeps it
    expect(chmod('go=rx', 0o1700)).to.equal(0o755);
  });

  it('X adds x to directories and to files that already have an x bit, never to other files', () => {
    expect(chmod('a+X', 0o644)).to.equal(0o644);
    expect(chmod('a+X', 0o644, true)).to.equal(0o755);
    expect(chmod('a+X', 0o744)).to.equal(0o755);
    expect(chmod('g+X', 0o750)).to.equal(0o750);
    expect(chmod('a-X', 0o755)).to.equal(0o644);
  });

  it('refuses what the patterns do not match: clauses without a comma, unknown letters, trailing garbage', () => {
    for (const bad of ['u+x g+w', 'u+y', 'x', 'u', '+', 'u+x755', 'u+x,,g', 'u+x;g+w', 'uu+', 'v+x']) {
      expect(parseChmod(bad), bad).to.equal(undefined);
    }
    expect(chmod('u+x,,g+w', 0o600)).to.equal(0o720); // the separator takes any run of commas and spaces
  });
});

describe('client: umask (UmaskParser, fs.permissions.umask-mode)', () => {
  it('octal names the bits to clear: three digits after optional zeros, no sticky digit', () => {
    expect(parseUmaskMode('022')).to.equal(0o022);
    expect(parseUmaskMode('0022')).to.equal(0o022);
    expect(parseUmaskMode('077')).to.equal(0o077);
    expect(parseUmaskMode('000')).to.equal(0);
    for (const bad of ['1222', '22', '7', '0o22']) expect(parseUmaskMode(bad), bad).to.equal(undefined);
  });

  it('symbolic names the bits to keep, so it is complemented; no X, no t', () => {
    expect(parseUmaskMode('u=rwx,g=rx,o=rx')).to.equal(0o022);
    expect(parseUmaskMode('u=rwx,g=rx,o=')).to.equal(0o027);
    expect(parseUmaskMode('u=rwx')).to.equal(0o077); // the classes not named keep nothing
    expect(parseUmaskMode('a=')).to.equal(0o777);
    for (const bad of ['u=rwX', 'o=t', 'g=r-x', 'rwx']) expect(parseUmaskMode(bad), bad).to.equal(undefined);
    // '+' alone is a symbolic clause that leaves "022" unparsed, so the text is refused, not read as octal
    expect(parseUmaskMode('+022')).to.equal(undefined);
  });
});
