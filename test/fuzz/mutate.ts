/**
 * The inputs a fuzz target is fed, as a fast-check arbitrary: a quarter are random bytes, the rest
 * are valid seeds (bytes stock Hadoop, MIT or our encoders wrote) changed by a few mutations of the
 * kinds that find decoder bugs: bit flips, byte and 32-bit "interesting" values at any offset (often
 * a length field), insertions, deletions, truncation and repeated ranges (inflated repeated fields).
 * Shrinking works on the mutation list, so a failure reduces to the few edits that cause it.
 */
import fc from 'fast-check';

type Mutation =
  | { t: 'flip'; at: number; bit: number }
  | { t: 'set'; at: number; v: number }
  | { t: 'int32'; at: number; v: number }
  | { t: 'insert'; at: number; bytes: Uint8Array }
  | { t: 'delete'; at: number; n: number }
  | { t: 'truncate'; at: number }
  | { t: 'repeat'; at: number; n: number; times: number };

const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ t: fc.constant('set' as const), at: fc.nat(), v: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x3f, 0x40) }),
  fc.record({ t: fc.constant('int32' as const), at: fc.nat(), v: fc.constantFrom(...INTERESTING_32) }),
  fc.record({ t: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ t: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('repeat' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }), times: fc.integer({ min: 2, max: 64 }) }),
);

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Applies the mutations in order to a copy of `seed`. */
export function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.t) {
      case 'flip':
        if (b.length) b[at]! ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length) b[at] = m.v;
        break;
      case 'int32':
        if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(Math.min(at, b.length - 4), m.v);
        break;
      case 'insert':
        b = join(b.subarray(0, at), m.bytes, b.subarray(at));
        break;
      case 'delete':
        b = join(b.subarray(0, at), b.subarray(at + m.n));
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'repeat': {
        const range = b.subarray(at, at + m.n);
        const copies = new Uint8Array(range.length * m.times);
        for (let i = 0; i < m.times; i++) copies.set(range, i * range.length);
        b = join(b.subarray(0, at + range.length), copies, b.subarray(at + range.length));
        break;
      }
    }
  }
  return b;
}

/** Random bytes and mutated seeds, 1:3. */
export function fuzzInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: 512 });
  if (seeds.length === 0) return random;
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([seed, ms]) => mutate(seed, ms));
  return fc.oneof({ weight: 1, arbitrary: random }, { weight: 3, arbitrary: mutated });
}
