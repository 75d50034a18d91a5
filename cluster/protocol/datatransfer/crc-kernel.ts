/**
 * The table-driven CRC of ./crc32c.ts as a WebAssembly function, sixteen bytes per step (slice-by-16), for long inputs (HDFS chunk
 * checksums: every byte a client writes or reads and a DataNode stores is checksummed, 512 bytes at
 * a time). V8 compiles it to straight machine code with 4-byte loads, about twice the speed of the
 * JavaScript loop. The module is assembled here from its instructions (WebAssembly core
 * specification 1.0, binary format), so there is no compiler, build step or binary file.
 *
 * Memory layout: the SLICES CRC-32C tables (SLICES KiB), the SLICES CRC-32 tables, then the input. `crc(ptr, len, crc, tables)` continues `crc` (pre- and post-inverted, as the JS
 * function) over memory[ptr, ptr + len) with the tables at `tables`.
 */

/** Bytes per step, and tables per polynomial. */
export const SLICES = 16;
const TABLE_BYTES = SLICES * 256 * 4;
/** Where the input bytes go (after both table sets). */
const INPUT_AT = 2 * TABLE_BYTES;
const PAGE = 65536;

// Instruction opcodes (WebAssembly core spec 5.4)
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21;
const I32_LOAD = 0x28, I32_LOAD8_U = 0x2d, I32_CONST = 0x41;
const I32_GE_U = 0x4f, I32_LT_U = 0x49, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_XOR = 0x73, I32_SHL = 0x74, I32_SHR_U = 0x76;
const I32 = 0x7f;

/** Unsigned and signed LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

// params: 0 ptr, 1 len, 2 crc, 3 tables; locals: 4 end, 5-8 the step's four words
const PTR = 0, LEN = 1, CRC = 2, TABLES = 3, END_AT = 4, WORD0 = 5;

/** table[k][(word >>> shift) & 0xff] onto the stack. */
function lookup(word: number, shift: number, k: number): number[] {
  const byte = shift === 24 ? [LOCAL_GET, word, I32_CONST, ...sleb(24), I32_SHR_U] : [LOCAL_GET, word, ...(shift ? [I32_CONST, ...sleb(shift), I32_SHR_U] : []), I32_CONST, ...sleb(255), I32_AND];
  return [...byte, I32_CONST, 2, I32_SHL, LOCAL_GET, TABLES, I32_ADD, I32_LOAD, 2, ...uleb(k * 1024)];
}

function crcBody(): number[] {
  const code = [
    LOCAL_GET, CRC, I32_CONST, ...sleb(-1), I32_XOR, LOCAL_SET, CRC,
    LOCAL_GET, PTR, LOCAL_GET, LEN, I32_ADD, LOCAL_SET, END_AT,
    // SLICES bytes per step: word 0 = crc ^ le32(ptr), word w = le32(ptr + 4w); byte j of the step looks up table SLICES-1-j
    BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, END_AT, LOCAL_GET, PTR, I32_SUB, I32_CONST, SLICES, I32_LT_U, BR_IF, 1,
    LOCAL_GET, CRC, LOCAL_GET, PTR, I32_LOAD, 0, 0, I32_XOR, LOCAL_SET, WORD0,
    ...Array.from({ length: SLICES / 4 - 1 }, (_, w) => [LOCAL_GET, PTR, I32_LOAD, 0, 4 * (w + 1), LOCAL_SET, WORD0 + w + 1]).flat(),
    ...Array.from({ length: SLICES }, (_, j) => [...lookup(WORD0 + (j >> 2), (j & 3) * 8, SLICES - 1 - j), ...(j > 0 ? [I32_XOR] : [])]).flat(),
    LOCAL_SET, CRC,
    LOCAL_GET, PTR, I32_CONST, SLICES, I32_ADD, LOCAL_SET, PTR,
    BR, 0, END, END,
    // the rest, a byte at a time: crc = (crc >>> 8) ^ t0[(crc ^ byte) & 0xff]
    BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, PTR, LOCAL_GET, END_AT, I32_GE_U, BR_IF, 1,
    LOCAL_GET, CRC, I32_CONST, 8, I32_SHR_U,
    LOCAL_GET, CRC, LOCAL_GET, PTR, I32_LOAD8_U, 0, 0, I32_XOR, I32_CONST, ...sleb(255), I32_AND, I32_CONST, 2, I32_SHL, LOCAL_GET, TABLES, I32_ADD, I32_LOAD, 2, 0,
    I32_XOR, LOCAL_SET, CRC,
    LOCAL_GET, PTR, I32_CONST, 1, I32_ADD, LOCAL_SET, PTR,
    BR, 0, END, END,
    LOCAL_GET, CRC, I32_CONST, ...sleb(-1), I32_XOR,
    END,
  ];
  const locals = vec([[1 + SLICES / 4, I32]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function moduleBytes(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])]])), // type 0: (i32 x4) -> i32
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(5, vec([[0x00, ...uleb(1)]])), // one memory, at least one page
    ...section(7, vec([[...name('crc'), 0x00, 0], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([crcBody()])),
  ]);
}

export interface CrcKernel {
  /** Continues `crc` over data[start, end) with the table set `tables` (0: CRC-32C, 1: CRC-32). */
  crc(tables: 0 | 1, data: Uint8Array, crc: number, start: number, end: number): number;
  /** Copies `data` into the kernel's memory once, for several `crcAt` calls. */
  load(data: Uint8Array): void;
  /** Continues `crc` over loaded[start, end). */
  crcAt(tables: 0 | 1, crc: number, start: number, end: number): number;
}

/** The kernel with both table sets installed, or undefined where WebAssembly is unavailable. */
export function createCrcKernel(crc32cTables: readonly Int32Array[], crc32Tables: readonly Int32Array[]): CrcKernel | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes() as Uint8Array<ArrayBuffer>));
  } catch {
    return undefined; // a runtime without WebAssembly compilation (e.g. --jitless): the JS loop serves
  }
  const memory = instance.exports['memory'] as WebAssembly.Memory;
  const run = instance.exports['crc'] as (ptr: number, len: number, crc: number, tables: number) => number;
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
    crc(tables, data, crc, start, end) {
      ensure(end - start);
      heap.set(data.subarray(start, end), INPUT_AT);
      return run(INPUT_AT, end - start, crc, tables * TABLE_BYTES) >>> 0;
    },
    load(data) {
      ensure(data.length);
      heap.set(data, INPUT_AT);
    },
    crcAt(tables, crc, start, end) {
      return run(INPUT_AT + start, end - start, crc, tables * TABLE_BYTES) >>> 0;
    },
  };
}
