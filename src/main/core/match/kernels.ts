// The scan's inner loop: uint8 codes · int16 query → int32, one row at a time. WebAssembly SIMD
// runs it ~10× faster than the same loop in JS, with no native binary to build or load; the
// JS version is the fallback where WebAssembly SIMD is missing, and the reference in tests.

/**
 * kernels.wat compiled by wabt 1.0.39 (`npx -y wabt@1.0.39 wat2wasm kernels.wat`, or its JS API:
 * `parseWat(name, src).toBinary({}).buffer`), inlined so that nothing is read from disk at run
 * time and bundlers need no asset handling. kernels.test.ts checks it against the JS version.
 */
const DOTS_U8_WASM =
  'AGFzbQEAAAABCQFgBX9/f39/AAMCAQAFAwEAAQcUAgZtZW1vcnkCAAdkb3RzX3U4AAAKoQMBngMCBX8FeyABIAIgA2xqIQggASEFAkADQCAFIAhPDQH9DAAAAAAAAAAAAAAAAAAAAAAhCv0MAAAAAAAAAAAAAAAAAAAAACEL/QwAAAAAAAAAAAAAAAAAAAAAIQz9DAAAAAAAAAAAAAAAAAAAAAAhDSAFIQYgACEHIAUgA2ohCQNAIAb9AAQAIQ4gCiAO/YkBIAf9AAQA/boB/a4BIQogCyAO/YoBIAf9AAQQ/boB/a4BIQsgBv0ABBAhDiAMIA79iQEgB/0ABCD9ugH9rgEhDCANIA79igEgB/0ABDD9ugH9rgEhDSAG/QAEICEOIAogDv2JASAH/QAEQP26Af2uASEKIAsgDv2KASAH/QAEUP26Af2uASELIAb9AAQwIQ4gDCAO/YkBIAf9AARg/boB/a4BIQwgDSAO/YoBIAf9AARw/boB/a4BIQ0gBkHAAGohBiAHQYABaiEHIAYgCUkNAAsgCiAL/a4BIAwgDf2uAf2uASEKIAQgCv0bACAK/RsBaiAK/RsCIAr9GwNqajYCACAEQQRqIQQgCSEFDAALCws=';

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
}

export type KernelLoad = { ok: true; kernel: WasmDots } | { ok: false; reason: string };

let cached: object | undefined;

/** Instantiates the SIMD kernel (each index gets its own memory), or says why it cannot. */
export function loadWasmDots(): KernelLoad {
  try {
    if (!wasm) return { ok: false, reason: 'WebAssembly is not available' };
    if (!cached) {
      const bytes = Buffer.from(DOTS_U8_WASM, 'base64');
      if (!wasm.validate(bytes))
        return { ok: false, reason: 'this runtime lacks WebAssembly SIMD (v128); using the JS scan' };
      cached = new wasm.Module(bytes);
    }
    const instance = new wasm.Instance(cached, {});
    const { memory, dots_u8 } = instance.exports as {
      memory: WasmMemory;
      dots_u8: (q: number, codes: number, n: number, bytes: number, out: number) => void;
    };
    return { ok: true, kernel: { memory, dotsU8: dots_u8 } };
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

/** Row length in bytes for `dim` codes: the kernel reads 64 at a time. */
export const rowBytesFor = (dim: number) => Math.ceil(dim / 64) * 64;
