/**
 * The table-driven CRC of ./crc32c.ts as a WebAssembly function, sixteen bytes per step
 * (slice-by-16), for long inputs (HDFS chunk checksums: every byte a client writes or reads and a
 * DataNode stores is checksummed, 512 bytes at a time). V8 compiles it to straight machine code
 * with 4-byte loads, about three times the speed of the JavaScript loop. The module is assembled
 * from its instructions (lib/wasm/assembler.ts): no compiler, build step or binary file.
 *
 * Memory layout: the SLICES CRC-32C tables (SLICES KiB), the SLICES CRC-32 tables, then the input.
 * `crc(ptr, len, crc, tables)` continues `crc` (pre- and post-inverted, as the JS function) over
 * memory[ptr, ptr + len) with the tables at `tables`.
 */
import { assemble, i32Const, instantiate, memarg, OP, VOID, type WasmFunction } from '../../../lib/wasm/assembler.ts';

/** Bytes per step, and tables per polynomial. */
export const SLICES = 16;
const TABLE_BYTES = SLICES * 256 * 4;
/** Where the input bytes go (after both table sets). */
const INPUT_AT = 2 * TABLE_BYTES;
const PAGE = 65536;

// params: 0 ptr, 1 len, 2 crc, 3 tables; locals: 4 end, 5.. the step's words
const PTR = 0, LEN = 1, CRC = 2, TABLES = 3, END_AT = 4, WORD0 = 5;
const { local_get: GET, local_set: SET } = OP;

/** table[k][(word >>> shift) & 0xff] onto the stack. */
function lookup(word: number, shift: number, k: number): number[] {
  const byte = shift === 24 ? [GET, word, ...i32Const(24), OP.i32_shr_u] : [GET, word, ...(shift ? [...i32Const(shift), OP.i32_shr_u] : []), ...i32Const(255), OP.i32_and];
  return [...byte, ...i32Const(2), OP.i32_shl, GET, TABLES, OP.i32_add, OP.i32_load, ...memarg(2, k * 1024)];
}

const CRC_FUNCTION: WasmFunction = {
  name: 'crc',
  params: 4,
  results: 1,
  locals: 1 + SLICES / 4,
  code: [
    GET, CRC, ...i32Const(-1), OP.i32_xor, SET, CRC,
    GET, PTR, GET, LEN, OP.i32_add, SET, END_AT,
    // SLICES bytes per step: word 0 = crc ^ le32(ptr), word w = le32(ptr + 4w); byte j of the step looks up table SLICES-1-j
    OP.block, VOID, OP.loop, VOID,
    GET, END_AT, GET, PTR, OP.i32_sub, ...i32Const(SLICES), OP.i32_lt_u, OP.br_if, 1,
    GET, CRC, GET, PTR, OP.i32_load, ...memarg(0, 0), OP.i32_xor, SET, WORD0,
    ...Array.from({ length: SLICES / 4 - 1 }, (_, w) => [GET, PTR, OP.i32_load, ...memarg(0, 4 * (w + 1)), SET, WORD0 + w + 1]).flat(),
    ...Array.from({ length: SLICES }, (_, j) => [...lookup(WORD0 + (j >> 2), (j & 3) * 8, SLICES - 1 - j), ...(j > 0 ? [OP.i32_xor] : [])]).flat(),
    SET, CRC,
    GET, PTR, ...i32Const(SLICES), OP.i32_add, SET, PTR,
    OP.br, 0, OP.end, OP.end,
    // the rest, a byte at a time: crc = (crc >>> 8) ^ t0[(crc ^ byte) & 0xff]
    OP.block, VOID, OP.loop, VOID,
    GET, PTR, GET, END_AT, OP.i32_ge_u, OP.br_if, 1,
    GET, CRC, ...i32Const(8), OP.i32_shr_u,
    GET, CRC, GET, PTR, OP.i32_load8_u, ...memarg(0, 0), OP.i32_xor, ...i32Const(255), OP.i32_and, ...i32Const(2), OP.i32_shl, GET, TABLES, OP.i32_add, OP.i32_load, ...memarg(2, 0),
    OP.i32_xor, SET, CRC,
    GET, PTR, ...i32Const(1), OP.i32_add, SET, PTR,
    OP.br, 0, OP.end, OP.end,
    GET, CRC, ...i32Const(-1), OP.i32_xor,
  ],
};

export interface CrcKernel {
  /** Copies `data` into the kernel's memory, for several `crcAt` calls. */
  load(data: Uint8Array): void;
  /** Continues `crc` over loaded[start, end) with the table set `tables` (0: CRC-32C, 1: CRC-32). */
  crcAt(tables: 0 | 1, crc: number, start: number, end: number): number;
}

/** The kernel with both table sets installed, or undefined where WebAssembly cannot run (the JS loop serves then). */
export function createCrcKernel(crc32cTables: readonly Int32Array[], crc32Tables: readonly Int32Array[]): CrcKernel | undefined {
  const exports = instantiate(assemble([CRC_FUNCTION], 1));
  if (!exports) return undefined;
  const memory = exports['memory'] as WebAssembly.Memory;
  const run = exports['crc'] as (ptr: number, len: number, crc: number, tables: number) => number;
  let heap = new Uint8Array(memory.buffer);
  const install = (at: number, tables: readonly Int32Array[]): void => {
    const view = new DataView(memory.buffer);
    tables.slice(0, SLICES).forEach((t, k) => t.forEach((v, i) => view.setInt32(at + k * 1024 + i * 4, v, true))); // WebAssembly loads are little-endian
  };
  const ensure = (length: number): void => {
    const need = INPUT_AT + length;
    if (need > heap.length) {
      memory.grow(Math.ceil((need - heap.length) / PAGE));
      heap = new Uint8Array(memory.buffer);
    }
  };
  ensure(0);
  install(0, crc32cTables);
  install(TABLE_BYTES, crc32Tables);
  return {
    load(data) {
      ensure(data.length);
      heap.set(data, INPUT_AT);
    },
    crcAt(tables, crc, start, end) {
      return run(INPUT_AT + start, end - start, crc, tables * TABLE_BYTES) >>> 0;
    },
  };
}
