export type Metric = 'cosine' | 'euclidean';
export type FaceSource = 'watchlist' | 'seen';

export interface FaceMeta {
  source: FaceSource;
  subjectId?: string;
}

export interface SearchOptions {
  /** How many hits to return (fewer when fewer rows pass the filters). */
  k: number;
  metric: Metric;
  /** Which rows to consider; default 'all'. */
  source?: FaceSource | 'all';
  /** Called only for rows that could make the top k, so it may be a Map/Set look-up, not a scan. */
  filter?: (id: string) => boolean;
  /**
   * true (default): the exact top k on the raw float vectors. false: approximate — from
   * COARSE_MIN_ROWS rows a 2-bit table scan picks candidates that are then ranked exactly
   * (recall@10 0.994 at 1M, docs/benchmarks.md); below, the int8 scan's shortlist without the
   * proof pass. Either way a rare row near rank k may be missed; every score returned is exact.
   */
  exact?: boolean;
}

export interface SearchHit {
  id: string;
  /** Cosine similarity of the raw vectors, whatever the metric. */
  similarity: number;
  /** Euclidean distance of the raw vectors, whatever the metric. */
  distance: number;
  source: FaceSource;
  subjectId?: string;
}

/** Where exact re-ranking reads full vectors when the index does not keep them in memory. */
export interface VectorReader {
  /** Fills `out` (length dim) with the vector added under `id`; synchronous by design. */
  read(id: string, out: Float32Array): void;
}

/**
 * 'auto': quantised scan in WebAssembly SIMD, else the same scan in JS (with the reason).
 * 'wasm' | 'js': force one (wasm throws if it cannot load). 'float': exact float32 scan of every
 * row, no codes (the slow baseline; needs the vectors in memory).
 */
export type ScanKind = 'auto' | 'wasm' | 'js' | 'float';

export interface FaceIndexOptions {
  /** Descriptor length; default 1024 (human's faceres). */
  dim?: number;
  scan?: ScanKind;
  /**
   * Without a reader the index keeps a float32 copy of every vector (4 KiB a row at 1024-d).
   * With one it keeps only the 1-byte codes and reads the few rows it re-ranks from there.
   */
  vectors?: VectorReader;
  /**
   * `exact: false` on large indexes: from how many rows the 2-bit codes are kept (default
   * COARSE_MIN_ROWS) and how many candidates their scan hands on (default COARSE_CANDIDATES).
   */
  coarse?: { from?: number; candidates?: number };
}

export interface IndexBackend {
  scan: 'wasm-simd' | 'js' | 'float';
  /** Why 'auto' did not get the WebAssembly kernel. */
  reason?: string;
}
