import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../../shared/history-schemas';
import { withMediaUrls } from './history';

const KEY = 'previews/536b29cd513fb618e4d5aa79d51a279948daa804ce359463449cce5f9dc68aa7.jpg';

function record(result: unknown): HistoryRecord {
  return {
    id: 'r1',
    kind: 'identify',
    status: 'FINISHED',
    createdAt: '2026-12-02T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    inputs: [],
    summary: '',
    error: null,
    feedback: [],
    result,
  };
}

describe('withMediaUrls', () => {
  it("gives the links any shell stored the reading shell's form, at any depth", () => {
    const stored = {
      previewUrl: `file:///old/place/media/${KEY}`,
      faces: [{ cropUrl: '/media/crops/abc_1.jpg' }, { cropUrl: 'vigil-media://media/thumbs/x-y.webp' }],
    };
    const read = withMediaUrls(record(stored), (key) => `/media/${key}`);
    expect(read.result).toEqual({
      previewUrl: `/media/${KEY}`,
      faces: [{ cropUrl: '/media/crops/abc_1.jpg' }, { cropUrl: '/media/thumbs/x-y.webp' }],
    });
  });

  it('leaves other strings alone: an input path like a link (a drive at /media), look-alikes', () => {
    const stored = {
      file: '/media/previews/holiday.jpg',
      nameUrl: 'media/previews/a.jpg',
      otherUrl: 'file:///x/media/secrets/a.jpg',
      n: 3,
    };
    expect(withMediaUrls(record(stored), (key) => `app://${key}`).result).toEqual(stored);
  });
});
