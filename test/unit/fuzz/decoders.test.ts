// Property tests over every decoder that reads outside input (test/fuzz/targets.ts): for random
// bytes and mutated valid inputs, a decoder returns or throws a typed HsecError, never an internal
// error (TypeError, RangeError, a bare Error). A bounded number of cases per decoder runs here;
// `npm run fuzz` runs a million per decoder and reports rates and the slowest case.
import fc from 'fast-check';
import { prepareTargets, TARGETS, isTypedFailure } from '../../fuzz/targets.ts';
import { fuzzInputs } from '../../fuzz/mutate.ts';

const CASES = Number(process.env.HSEC_FUZZ_CASES ?? 300);

describe('fuzz: decoders answer bad bytes with typed errors', function () {
  this.timeout(120_000);
  before(prepareTargets);

  for (const target of TARGETS) {
    it(`${target.name} (${CASES} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzInputs(target.seeds()), async (input) => {
          try {
            const pending = target.run(input);
            if (target.async) await pending;
          } catch (e) {
            if (!isTypedFailure(e)) throw e;
          }
        }),
        { numRuns: CASES, seed: Number(process.env.HSEC_FUZZ_SEED ?? 0x5eed) },
      );
    });
  }

  it('every seed decodes (the mutations start from valid inputs)', async () => {
    for (const target of TARGETS) {
      for (const seed of target.seeds()) {
        if (target.name.includes('split feed') || target.name.includes('DIGEST-MD5 server')) continue;
        try {
          await target.run(seed);
        } catch (e) {
          throw new Error(`seed of ${target.name} does not decode: ${(e as Error).message}`);
        }
      }
    }
  });
});
