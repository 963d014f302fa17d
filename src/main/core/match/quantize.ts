import { QUERY_CODE_MAX } from './kernels';

/**
 * Rows are stored as uint8 codes of the unit vector u = v/|v| with a per-row affine map
 * û = min + step·c (faceres output is non-negative, so a symmetric int8 map would waste half
 * its levels). `resid` = |u − û| and `hatNorm` = |û| bound the error of any dot product exactly,
 * which is what lets the scan prove it has not missed a row.
 */
export interface RowCode {
  min: number;
  step: number;
  resid: number;
  hatNorm: number;
}

export function l2(v: Float32Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return Math.sqrt(s);
}

/** Writes dim codes into out[0..dim) (out is pre-zeroed padding beyond). */
export function quantizeRow(v: Float32Array, norm: number, out: Uint8Array): RowCode {
  const d = v.length;
  if (norm === 0) {
    out.fill(0, 0, d);
    return { min: 0, step: 0, resid: 0, hatNorm: 0 };
  }
  const inv = 1 / norm;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < d; j++) {
    const u = v[j]! * inv;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  // Stored as float32, so compute û from the rounded values the scan will use.
  const min = Math.fround(lo);
  const step = Math.fround((hi - min) / 255);
  const perStep = step > 0 ? 1 / step : 0;
  let resid = 0;
  let hat = 0;
  for (let j = 0; j < d; j++) {
    const u = v[j]! * inv;
    let c = Math.round((u - min) * perStep);
    c = c < 0 ? 0 : c > 255 ? 255 : c;
    out[j] = c;
    const h = min + step * c;
    resid += (u - h) * (u - h);
    hat += h * h;
  }
  return { min, step, resid: Math.sqrt(resid), hatNorm: Math.sqrt(hat) };
}

export interface QueryCode {
  /** int16 codes of q/|q|, zero-padded to the row length. */
  codes: Int16Array;
  scale: number;
  /** Σ codes, for the rows' `min` term. */
  sum: number;
  /** |q/|q| − scale·codes| */
  resid: number;
}

export function quantizeQuery(q: Float32Array, norm: number, padded: number): QueryCode {
  const codes = new Int16Array(padded);
  if (norm === 0) return { codes, scale: 0, sum: 0, resid: 0 };
  const inv = 1 / norm;
  let maxAbs = 0;
  for (let j = 0; j < q.length; j++) maxAbs = Math.max(maxAbs, Math.abs(q[j]! * inv));
  const scale = maxAbs / QUERY_CODE_MAX;
  let sum = 0;
  let resid = 0;
  for (let j = 0; j < q.length; j++) {
    const u = q[j]! * inv;
    const c = Math.round(u / scale);
    codes[j] = c;
    sum += c;
    resid += (u - scale * c) * (u - scale * c);
  }
  return { codes, scale, sum, resid: Math.sqrt(resid) };
}
