/**
 * The skip rule of test/support/binaries.ts (docs/testing.md): a missing binary skips a suite
 * loudly on a developer machine and fails it when CI=true. Exercised with a binary name that
 * cannot exist and a stand-in for mocha's context, so this suite itself never skips.
 */
import { expect } from 'chai';
import { isCi, missingBinaries, requireBinariesOrSkip } from '../../support/binaries.ts';

class Skipped extends Error {}

function fakeContext(): { ctx: Mocha.Context; skipped: () => boolean } {
  let skipped = false;
  const ctx = {
    skip(): never {
      skipped = true;
      throw new Skipped('skipped');
    },
    test: { parent: { fullTitle: () => 'fake suite' } },
  } as unknown as Mocha.Context;
  return { ctx, skipped: () => skipped };
}

describe('test support: binaries and the CI skip rule', function () {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
  });

  it('finds installed programs, including sbin ones, and reports missing ones', function () {
    expect(missingBinaries('sh', 'no-such-binary-hsec')).to.deep.equal(['no-such-binary-hsec']);
  });

  it('skips loudly, naming the package hint, when CI is not set', function () {
    delete process.env.CI;
    expect(isCi()).to.equal(false);
    const { ctx, skipped } = fakeContext();
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(() => requireBinariesOrSkip(ctx, 'no-such-binary-hsec')).to.throw(Skipped);
    } finally {
      process.stderr.write = original;
    }
    expect(skipped()).to.equal(true);
    expect(writes.join('')).to.include('!!! SKIPPING "fake suite": missing no-such-binary-hsec');
    expect(writes.join('')).to.include('npm run setup');
  });

  it('fails instead of skipping when CI=true', function () {
    process.env.CI = 'true';
    expect(isCi()).to.equal(true);
    const { ctx, skipped } = fakeContext();
    expect(() => requireBinariesOrSkip(ctx, 'no-such-binary-hsec')).to.throw(/CI=true and missing no-such-binary-hsec/);
    expect(skipped()).to.equal(false);
  });

  it('returns normally when every binary is present', function () {
    process.env.CI = 'true';
    const { ctx, skipped } = fakeContext();
    requireBinariesOrSkip(ctx, 'sh');
    expect(skipped()).to.equal(false);
  });
});
