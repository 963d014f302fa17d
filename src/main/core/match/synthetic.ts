// Deterministic face-like descriptors for tests and benchmarks. Shaped after real faceres output
// (human 3.3, 22 faces from the shipped demo photos): non-negative (ReLU), ~30–45 % zeros, norms
// around 11–15, a large shared mean so that different people still score cos ≈ 0.3–0.6, and the
// same person ≈ 0.8–0.9. Uniform random vectors would make every search look easy.

/** mulberry32: small, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface FaceSetOptions {
  dim?: number;
  identities: number;
  seed?: number;
}

/** A population of identities; `sample(id)` draws one more photo of that identity. */
export class SyntheticFaces {
  readonly dim: number;
  private readonly centres: Float32Array;
  private readonly noise: Float32Array;
  private readonly gauss: () => number;
  private readonly rand: () => number;
  /** Noise comes from a table of normals indexed by xorshift: 1M samples in seconds, not a minute. */
  private readonly table: Float32Array;
  private x: number;

  constructor(opts: FaceSetOptions) {
    this.dim = opts.dim ?? 1024;
    this.rand = rng(opts.seed ?? 1);
    this.gauss = gaussian(this.rand);
    const d = this.dim;
    const mean = Float32Array.from({ length: d }, () => 0.05 + 0.2 * this.gauss());
    this.centres = new Float32Array(opts.identities * d);
    this.noise = new Float32Array(opts.identities);
    this.table = Float32Array.from({ length: 1 << 16 }, this.gauss);
    this.x = (opts.seed ?? 1) * 2654435761 || 1;
    for (let i = 0; i < opts.identities; i++) {
      for (let j = 0; j < d; j++) this.centres[i * d + j] = mean[j]! + 0.4 * this.gauss();
      // Some people photograph more consistently than others.
      this.noise[i] = 0.15 + 0.15 * this.rand();
    }
  }

  get identities(): number {
    return this.noise.length;
  }

  sample(identity: number, out = new Float32Array(this.dim)): Float32Array {
    const d = this.dim;
    const sigma = this.noise[identity]!;
    const { table, centres } = this;
    let x = this.x;
    for (let j = 0; j < d; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[j] = Math.max(0, centres[identity * d + j]! + sigma * table[x & 0xffff]!);
    }
    this.x = x;
    return out;
  }

  /** A random identity index in [from, to). */
  pick(from = 0, to = this.identities): number {
    return from + Math.floor(this.rand() * (to - from));
  }
}

/** Uniform-ish random vectors (with negatives), for tests that must not rely on face structure. */
export function randomVectors(count: number, dim: number, seed: number): Float32Array[] {
  const g = gaussian(rng(seed));
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, g));
}
