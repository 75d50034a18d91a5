/**
 * Just enough of the WebAssembly binary format (core specification 1.0, chapter 5) to assemble the
 * few hot loops hsec runs as WebAssembly (chunk CRCs, SHA-1 blocks) from instruction lists written
 * in TypeScript: no compiler, no build step, no binary file in the package. A module here has one
 * memory (exported as `memory`) and functions over i32 values, each exported by name.
 */

/** Instruction opcodes (core spec 5.4). */
export const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, br_if: 0x0d, end: 0x0b, call: 0x10,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i32_load8_u: 0x2d, i32_store: 0x36, i32_store8: 0x3a, i32_const: 0x41,
  i32_eqz: 0x45, i32_lt_u: 0x49, i32_ge_u: 0x4f,
  i32_add: 0x6a, i32_sub: 0x6b, i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74, i32_shr_u: 0x76, i32_rotl: 0x77,
} as const;
/** Block type of a block or loop that leaves nothing on the stack. */
export const VOID = 0x40;
export const I32 = 0x7f;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** `i32.const n`. */
export const i32Const = (n: number): number[] => [OP.i32_const, ...sleb(n | 0)];
/** A memory access immediate: alignment exponent and offset. */
export const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

export interface WasmFunction {
  readonly name: string;
  readonly params: number;
  /** Number of results (0 or 1, all i32). */
  readonly results: 0 | 1;
  /** Extra i32 locals, numbered after the params. */
  readonly locals: number;
  /** The body's instructions, without the final `end`. */
  readonly code: readonly number[];
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

/** The module's bytes: one memory of `pages` 64 KiB pages, then the functions (function i has index i, for `call`). */
export function assemble(functions: readonly WasmFunction[], pages: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), ...vec(Array.from({ length: f.results }, () => [I32]))]);
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals > 0 ? [[...uleb(f.locals), I32]] : []), ...f.code, OP.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), [...name('memory'), 0x02, 0]])),
    ...section(10, vec(bodies)),
  ]);
}

/** Instantiates assembled bytes synchronously, or undefined where WebAssembly cannot run (e.g. `--jitless`). */
export function instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  } catch {
    return undefined;
  }
}
