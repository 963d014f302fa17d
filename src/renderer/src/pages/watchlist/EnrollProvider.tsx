import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ErrorShape } from '../../../../shared/errors';
import type { EnrolledFace } from '../../../../shared/watchlist-schemas';
import { useVigil } from '../../api/ClientProvider';
import { errorShapeOf } from '../../api/errors';
import { queryKeys, useEngineSlots } from '../../api/queries';
import i18n from '../../i18n';
import { faceChoicesOf, type FaceChoice } from '../../lib/enroll-errors';
import { selectForInspection, toImageSource, type PickedFile } from '../../lib/files';
import { useRunners } from '../../lib/use-runners';

/** `removed`: enrolled, then its face was taken off the subject (the row stays, so the batch still adds up). */
/** `cancelled`: still queued when the user cancelled (the row stays, so the batch still adds up). */
export type EnrollStatus = 'queued' | 'enrolling' | 'done' | 'error' | 'removed' | 'cancelled';

/** Done with, one way or another: the rows a list's "Clear" and each row's dismiss remove. */
export const isFinished = (job: { status: EnrollStatus }) =>
  job.status === 'done' || job.status === 'error' || job.status === 'removed' || job.status === 'cancelled';

export interface EnrollJob {
  id: number;
  subjectId: string;
  name: string;
  relativePath: string;
  status: EnrollStatus;
  /** The face the user picked, when the photo holds several. */
  faceIndex?: number;
  face?: EnrolledFace;
  error?: ErrorShape;
  /** Object URL of the photo, made while the user picks one of its faces. */
  photoUrl?: string;
  /** The photo's faces, kept from its MULTIPLE_FACES answer: another can be picked after a refusal. */
  choices?: FaceChoice[];
}

interface Pending {
  jobId: number;
  subjectId: string;
  file: File;
  faceIndex?: number;
  allowMismatch?: boolean;
}

export interface EnrollContextValue {
  jobs: EnrollJob[];
  /** Queues photos for enrolment onto a subject; folders' non-images are left out. */
  enroll(subjectId: string, picked: readonly PickedFile[]): { queued: number; skipped: number };
  /** Enrols the chosen face of a photo that held several. */
  choose(jobId: number, faceIndex: number): void;
  /** Enrols a face the core asked about (FACE_MISMATCH): the user says it is the same person. */
  enrolAnyway(jobId: number, faceIndex: number | undefined): void;
  /** Drops the photos not yet sent for this subject; their rows say they were cancelled. */
  cancel(subjectId: string): void;
  /** Forgets the finished jobs of a subject (the list under its drop zone). */
  clearFinished(subjectId: string): void;
  dismiss(jobId: number): void;
  /** A face was removed from a subject: the photo that enrolled it no longer says "Enrolled". */
  faceRemoved(subjectId: string, faceId: string): void;
}

const EnrollContext = createContext<EnrollContextValue | null>(null);

/**
 * Enrolment queue, above the pages so that a long batch goes on while the user looks elsewhere.
 * One photo in flight per engine worker (the core checks duplicates where two cannot interleave);
 * each gets its own result or error.
 */
export function EnrollProvider({ children }: { children: ReactNode }) {
  const { client } = useVigil();
  const queryClient = useQueryClient();
  const [jobs, setJobs] = useState<EnrollJob[]>([]);
  const pending = useRef<Pending[]>([]);
  const files = useRef(new Map<number, { file: File; subjectId: string }>());
  const nextId = useRef(1);

  const urls = useRef(new Map<number, string>());
  const forget = useCallback((jobId: number) => {
    files.current.delete(jobId);
    const url = urls.current.get(jobId);
    if (url) URL.revokeObjectURL(url);
    urls.current.delete(jobId);
  }, []);

  const patch = useCallback((id: number, change: Partial<EnrollJob>) => {
    setJobs((list) => list.map((job) => (job.id === id ? { ...job, ...change } : job)));
  }, []);

  /** One runner: takes photos until none is left (its first synchronously, so the queue shrinks). */
  const runJobs = useCallback(async () => {
    for (let next = pending.current.shift(); next; next = pending.current.shift()) {
      const { jobId, subjectId, file, faceIndex, allowMismatch } = next;
      patch(jobId, { status: 'enrolling', error: undefined });
      let source;
      try {
        source = await toImageSource(file);
      } catch {
        patch(jobId, {
          status: 'error',
          error: { code: 'FILE_NOT_FOUND', message: i18n.t('scan.readFailed') },
        });
        continue;
      }
      try {
        const result = await client.invoke('watchlist.enroll', {
          subjectId,
          source,
          ...(faceIndex !== undefined ? { faceIndex } : {}),
          ...(allowMismatch ? { allowMismatch } : {}),
        });
        queryClient.setQueryData(queryKeys.subject(subjectId), result.subject);
        void queryClient.invalidateQueries({ queryKey: queryKeys.watchlist });
        // The photo is no longer needed once enrolled.
        forget(jobId);
        patch(jobId, { status: 'done', face: result.face, photoUrl: undefined });
      } catch (err) {
        const error = errorShapeOf(err);
        let photoUrl = urls.current.get(jobId);
        if (error.code === 'MULTIPLE_FACES' && !photoUrl) {
          photoUrl = URL.createObjectURL(file);
          urls.current.set(jobId, photoUrl);
        }
        patch(jobId, {
          status: 'error',
          error,
          photoUrl,
          ...(error.code === 'MULTIPLE_FACES' && { choices: faceChoicesOf(error) }),
        });
      }
    }
  }, [client, forget, patch, queryClient]);

  const { drain } = useRunners({
    slots: useEngineSlots(),
    ready: () => pending.current.length > 0,
    run: runJobs,
  });

  const enroll = useCallback(
    (subjectId: string, picked: readonly PickedFile[]) => {
      const { keep, skipped } = selectForInspection(picked);
      const added: EnrollJob[] = keep.map((p) => {
        const id = nextId.current++;
        files.current.set(id, { file: p.file, subjectId });
        pending.current.push({ jobId: id, subjectId, file: p.file });
        return { id, subjectId, name: p.file.name, relativePath: p.relativePath, status: 'queued' };
      });
      if (added.length > 0) {
        setJobs((list) => [...list, ...added]);
        drain();
      }
      return { queued: added.length, skipped };
    },
    [drain],
  );

  /** Sends a photo held for its row again, with the face picked and the user's answers. */
  const sendAgain = useCallback(
    (jobId: number, again: { faceIndex?: number; allowMismatch?: boolean }) => {
      const held = files.current.get(jobId);
      if (!held) return;
      const { faceIndex } = again;
      patch(jobId, { status: 'queued', error: undefined, ...(faceIndex !== undefined && { faceIndex }) });
      pending.current.push({ jobId, subjectId: held.subjectId, file: held.file, ...again });
      drain();
    },
    [drain, patch],
  );

  const choose = useCallback(
    (jobId: number, faceIndex: number) => sendAgain(jobId, { faceIndex }),
    [sendAgain],
  );

  const enrolAnyway = useCallback(
    (jobId: number, faceIndex: number | undefined) =>
      sendAgain(jobId, { ...(faceIndex !== undefined && { faceIndex }), allowMismatch: true }),
    [sendAgain],
  );

  const cancel = useCallback(
    (subjectId: string) => {
      const dropped = new Set(pending.current.filter((p) => p.subjectId === subjectId).map((p) => p.jobId));
      pending.current = pending.current.filter((p) => p.subjectId !== subjectId);
      for (const id of dropped) forget(id);
      setJobs((list) => list.map((job) => (dropped.has(job.id) ? { ...job, status: 'cancelled' } : job)));
    },
    [forget],
  );

  const clearFinished = useCallback(
    (subjectId: string) => {
      for (const [id, held] of files.current) {
        const queued = pending.current.some((p) => p.jobId === id);
        if (held.subjectId === subjectId && !queued) forget(id);
      }
      setJobs((list) => list.filter((job) => !(job.subjectId === subjectId && isFinished(job))));
    },
    [forget],
  );

  const dismiss = useCallback(
    (jobId: number) => {
      forget(jobId);
      setJobs((list) => list.filter((job) => job.id !== jobId));
    },
    [forget],
  );

  const faceRemoved = useCallback((subjectId: string, faceId: string) => {
    setJobs((list) =>
      list.map((job) =>
        job.subjectId === subjectId && job.status === 'done' && job.face?.id === faceId
          ? { ...job, status: 'removed' }
          : job,
      ),
    );
  }, []);

  const value = useMemo<EnrollContextValue>(
    () => ({ jobs, enroll, choose, enrolAnyway, cancel, clearFinished, dismiss, faceRemoved }),
    [jobs, enroll, choose, enrolAnyway, cancel, clearFinished, dismiss, faceRemoved],
  );
  return <EnrollContext.Provider value={value}>{children}</EnrollContext.Provider>;
}

export function useEnroll(): EnrollContextValue {
  const value = useContext(EnrollContext);
  if (!value) throw new Error('useEnroll must be used inside <EnrollProvider>');
  return value;
}
