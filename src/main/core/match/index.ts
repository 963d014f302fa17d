export { COARSE_MIN_ROWS, FaceIndex } from './face-index';
export { EmbeddingRowReader } from './file-vectors';
export type {
  FaceIndexOptions,
  FaceMeta,
  FaceSource,
  IndexBackend,
  Metric,
  ScanKind,
  SearchHit,
  SearchOptions,
  VectorReader,
} from './types';
