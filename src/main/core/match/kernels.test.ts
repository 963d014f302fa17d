import { describe, expect, it } from 'vitest';
import { BATCH, JsCodeStore, WasmCodeStore } from './codes';
import { dotsU8Js, loadWasmDots, QUERY_CODE_MAX, rowBytesFor, scanU4Js } from './kernels';
import { rng } from './synthetic';

describe('dots_u8 kernel', () => {
  it('equals the JS kernel, including extreme codes and batch edges', () => {
    const loaded = loadWasmDots();
    if (!loaded.ok) throw new Error(loaded.reason);
    const bytes = rowBytesFor(1000);
    const rows = BATCH + 3;
    const wasm = new WasmCodeStore(loaded.kernel, bytes);
    const js = new JsCodeStore(bytes);
    wasm.reserve(rows);
    js.reserve(rows);
    const rand = rng(4);
    const row = new Uint8Array(bytes);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < 1000; j++) row[j] = i === 0 ? 255 : Math.floor(rand() * 256);
      wasm.write(i, row);
      js.write(i, row);
    }
    const q = new Int16Array(bytes);
    for (let j = 0; j < 1000; j++) q[j] = j % 2 ? QUERY_CODE_MAX : -QUERY_CODE_MAX + Math.floor(rand() * 9);
    wasm.setQuery(q);
    js.setQuery(q);
    for (const [first, n] of [
      [0, BATCH],
      [BATCH, 3],
    ] as const) {
      const a = Array.from(wasm.dots(first, n).subarray(0, n));
      const b = Array.from(js.dots(first, n).subarray(0, n));
      expect(a).toEqual(b);
    }
    // Row 0 is all 255: the largest magnitude a lane can reach stays exact.
    const expected = new Int32Array(1);
    dotsU8Js(q, new Uint8Array(bytes).fill(255, 0, 1000), 0, 1, bytes, expected);
    expect(wasm.dots(0, 1)[0]).toBe(expected[0]);
    // Moving rows (what remove does) moves their codes.
    wasm.move(5, 0);
    js.move(5, 0);
    expect(wasm.dots(0, 1)[0]).toBe(js.dots(0, 1)[0]);
  });
});

describe('scan_u4 kernel', () => {
  it('equals the JS look-up over several blocks, with extreme table entries', () => {
    const loaded = loadWasmDots();
    if (!loaded.ok) throw new Error(loaded.reason);
    const { kernel } = loaded;
    const vecs = 320; // a 1280-d row: more than one 256-vector chunk of i16 sums
    const blocks = 5;
    const lut = new Int8Array(vecs * 32);
    const rand = rng(11);
    for (let i = 0; i < lut.length; i++) lut[i] = i < 64 ? 63 : Math.round(rand() * 126) - 63;
    const codes = new Uint8Array(blocks * vecs * 16);
    for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rand() * 256);
    // Rows of block 0 always pick 63 + 63: the largest sums the kernel must carry exactly.
    for (let v = 0; v < vecs; v++) lut.fill(63, 32 * v, 32 * v + 32);
    const codesOff = 64 + lut.length;
    const outOff = codesOff + codes.length;
    kernel.memory.grow(Math.ceil((outOff + blocks * 64) / 65536));
    new Int8Array(kernel.memory.buffer, 0, lut.length).set(lut);
    new Uint8Array(kernel.memory.buffer, codesOff, codes.length).set(codes);
    kernel.scanU4(0, codesOff, blocks, vecs, outOff);
    const got = Array.from(new Int32Array(kernel.memory.buffer, outOff, blocks * 16));
    const want = new Int32Array(blocks * 16);
    scanU4Js(lut, codes, blocks, vecs, want);
    expect(got).toEqual(Array.from(want));
    expect(got[0]).toBe(vecs * 126);
  });
});
