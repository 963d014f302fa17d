/** Messages between the engine pool (IPC/HTTP thread) and its worker threads. */
import type { EngineInfo } from '../../../shared/schemas';
import type { ClassifyFromWorker, ClassifyToWorker } from './classify-protocol';
import type { DetectorOptions } from './face-detector';

export interface RawFace {
  box: [number, number, number, number];
  score: number;
  landmarks: [number, number][];
  /** Head pose in degrees, from the face mesh; null when the mesh is missing. */
  pose: { yaw: number; pitch: number; roll: number } | null;
  /** faceres, 1024 values (what image.inspect reports). */
  descriptor: Float32Array;
  /** What matching compares: unit faceres ++ unit mobileface (1280), empty when not computable. */
  matchDescriptor: Float32Array;
  /**
   * Who found it: the face pipeline (landmarks, pose, and descriptors when asked for), or only
   * the small-face detectors (a box and a score).
   */
  detector: 'pipeline' | 'small-face';
}

/** What one detect call computes beyond the face pipeline's boxes. */
export interface DetectRequest {
  /** Also run the small-face detectors (engine/face-detector.ts, engine/retinaface.ts). */
  recall?: DetectorOptions;
  /**
   * Describe the pipeline's faces (faceres and the match descriptor), about 100 ms a face on
   * WASM; default true. Off where only boxes matter (a blur without kept subjects, its self-check).
   */
  describe?: boolean;
}

export interface RgbImage {
  /** Tightly packed RGB, 3 bytes per pixel. */
  data: Uint8Array;
  width: number;
  height: number;
}

export type WorkerInfo = Omit<EngineInfo, 'state' | 'workers' | 'workersStarted' | 'error'>;

export type ToWorker =
  | { type: 'init'; modelsDir: string; forceBackend?: 'wasm' | 'tensorflow' }
  | ({
      type: 'detect';
      id: number;
      data: ArrayBuffer;
      width: number;
      height: number;
    } & DetectRequest)
  | ClassifyToWorker
  /** Ends the thread at once, from its event loop: never in the middle of a native call. */
  | { type: 'quit' };

export type FromWorker =
  | { type: 'ready'; info: WorkerInfo }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; faces: RawFace[] }
  | { type: 'error'; id: number; message: string }
  | ClassifyFromWorker;
