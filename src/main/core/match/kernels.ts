// The scans' inner loops: uint8 codes · int16 query → int32, one row at a time (the exact search),
// and 4-bit codes looked up in the query's tables, 16 rows at a time (the approximate search's
// first pass). WebAssembly SIMD runs them ~10× faster than the same loops in JS, with no native
// binary to build or load; the JS versions are the fallback where WebAssembly SIMD is missing
// (exact search only) and the reference in tests.

/**
 * kernels.wat compiled by wabt 1.0.39 (`npm i wabt@1.0.39`, then its JS API:
 * `(await require('wabt')()).parseWat(name, src, { simd: true }).toBinary({}).buffer`), inlined so that nothing is read from disk at run
 * time and bundlers need no asset handling. kernels.test.ts checks it against the JS version.
 */
const KERNELS_WASM =
  'AGFzbQEAAAABCQFgBX9/f39/AAMDAgAABQMBAAEHHgMGbWVtb3J5AgAHZG90c191OAAAB3NjYW5fdTQAAQqwBgKeAwIFfwV7IAEgAiADbGohCCABIQUCQANAIAUgCE8NAf0MAAAAAAAAAAAAAAAAAAAAACEK/QwAAAAAAAAAAAAAAAAAAAAAIQv9DAAAAAAAAAAAAAAAAAAAAAAhDP0MAAAAAAAAAAAAAAAAAAAAACENIAUhBiAAIQcgBSADaiEJA0AgBv0ABAAhDiAKIA79iQEgB/0ABAD9ugH9rgEhCiALIA79igEgB/0ABBD9ugH9rgEhCyAG/QAEECEOIAwgDv2JASAH/QAEIP26Af2uASEMIA0gDv2KASAH/QAEMP26Af2uASENIAb9AAQgIQ4gCiAO/YkBIAf9AARA/boB/a4BIQogCyAO/YoBIAf9AARQ/boB/a4BIQsgBv0ABDAhDiAMIA79iQEgB/0ABGD9ugH9rgEhDCANIA79igEgB/0ABHD9ugH9rgEhDSAGQcAAaiEGIAdBgAFqIQcgBiAJSQ0ACyAKIAv9rgEgDCAN/a4B/a4BIQogBCAK/RsAIAr9GwFqIAr9GwIgCv0bA2pqNgIAIARBBGohBCAJIQUMAAsLC40DAgV/CXv9DA8PDw8PDw8PDw8PDw8PDw8hDiABIQlBACEFAkADQCAFIAJPDQH9DAAAAAAAAAAAAAAAAAAAAAAhD/0MAAAAAAAAAAAAAAAAAAAAACEQ/QwAAAAAAAAAAAAAAAAAAAAAIRH9DAAAAAAAAAAAAAAAAAAAAAAhEkEAIQYgACEIA0D9DAAAAAAAAAAAAAAAAAAAAAAhDP0MAAAAAAAAAAAAAAAAAAAAACENIAZBgAJqIQcgByADSwRAIAMhBwsDQCAJ/QAEACEKIAj9AAQAIAogDv1O/Q4gCP0ABBAgCkEE/W39Dv1uIQsgDCAL/YcB/Y4BIQwgDSAL/YgB/Y4BIQ0gCUEQaiEJIAhBIGohCCAGQQFqIQYgBiAHSQ0ACyAPIAz9pwH9rgEhDyAQIAz9qAH9rgEhECARIA39pwH9rgEhESASIA39qAH9rgEhEiAGIANJDQALIAQgD/0LBAAgBCAQ/QsEECAEIBH9CwQgIAQgEv0LBDAgBEHAAGohBCAFQQFqIQUMAAsLCw==';

/** Largest |query code|: keeps every int32 lane exact (255 · 4095 · 2 · dims/8 < 2³¹ up to 8192 dims). */
export const QUERY_CODE_MAX = 4095;
export const MAX_KERNEL_DIM = 8192;

// tsconfig.node.json has no DOM lib, so name the few WebAssembly members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export interface WasmDots {
  memory: WasmMemory;
  /** out[i] = Σ codes[i·bytes + j] · q[j] (all pointers are byte offsets into memory). */
  dotsU8(q: number, codes: number, n: number, bytes: number, out: number): void;
  /** Table look-up scan of 4-bit codes, 16 rows a block; the layout `scanU4Js` spells out. */
  scanU4(lut: number, codes: number, blocks: number, vecs: number, out: number): void;
}

export type KernelLoad = { ok: true; kernel: WasmDots } | { ok: false; reason: string };

let cached: object | undefined;

/** Instantiates the SIMD kernel (each index gets its own memory), or says why it cannot. */
export function loadWasmDots(): KernelLoad {
  try {
    if (!wasm) return { ok: false, reason: 'WebAssembly is not available' };
    if (!cached) {
      const bytes = Buffer.from(KERNELS_WASM, 'base64');
      if (!wasm.validate(bytes))
        return { ok: false, reason: 'this runtime lacks WebAssembly SIMD (v128); using the JS scan' };
      cached = new wasm.Module(bytes);
    }
    const instance = new wasm.Instance(cached, {});
    type Kernel = (a: number, b: number, c: number, d: number, e: number) => void;
    const { memory, dots_u8, scan_u4 } = instance.exports as {
      memory: WasmMemory;
      dots_u8: Kernel;
      scan_u4: Kernel;
    };
    return { ok: true, kernel: { memory, dotsU8: dots_u8, scanU4: scan_u4 } };
  } catch (err) {
    return { ok: false, reason: `WebAssembly kernel failed to load: ${(err as Error).message}` };
  }
}

/** Same contract as the WebAssembly kernel, over plain typed arrays (any row length). */
export function dotsU8Js(
  q: Int16Array,
  codes: Uint8Array,
  first: number,
  n: number,
  bytes: number,
  out: Int32Array,
): void {
  for (let i = 0; i < n; i++) {
    const base = (first + i) * bytes;
    let s = 0;
    for (let j = 0; j < bytes; j++) s += codes[base + j]! * q[j]!;
    out[i] = s;
  }
}

/**
 * What `scan_u4` computes, for tests. A block of 16 rows is `vecs` vectors of 16 bytes; byte r of
 * vector v holds row r's code for table 2v (low nibble) and table 2v + 1 (high nibble); `lut` has
 * 16 int8 entries per table. out[16·b + r] = Σ over tables t of lut[16t + code_t(row r of block b)].
 */
export function scanU4Js(
  lut: Int8Array,
  codes: Uint8Array,
  blocks: number,
  vecs: number,
  out: Int32Array,
): void {
  for (let b = 0; b < blocks; b++) {
    for (let r = 0; r < 16; r++) {
      let s = 0;
      for (let v = 0; v < vecs; v++) {
        const c = codes[(b * vecs + v) * 16 + r]!;
        s += lut[32 * v + (c & 15)]! + lut[32 * v + 16 + (c >> 4)]!;
      }
      out[16 * b + r] = s;
    }
  }
}

/** Row length in bytes for `dim` codes: the kernel reads 64 at a time. */
export const rowBytesFor = (dim: number) => Math.ceil(dim / 64) * 64;
