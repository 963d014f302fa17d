import { describe, expect, it } from 'vitest';
import {
  refusedCodes,
  skippedCodes,
  undescribedCodes,
  type RefusedFace,
} from '../../../shared/watchlist-schemas';
import { translator } from '../i18n/test-translator';
import { refusedReason, skippedReason, undescribedReason } from './labels';

describe('undescribedReason', () => {
  it('words every code in the UI language', async () => {
    const [t, pt] = [await translator('en'), await translator('pt-BR')];
    for (const code of undescribedCodes) {
      const face = { subject: 'Bea', file: 'bea.jpg', reason: 'stored English', code };
      const english = undescribedReason(t, face);
      const portuguese = undescribedReason(pt, face);
      expect(english).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toBe(english);
    }
  });

  it('falls back to the stored English of a report written before codes existed', async () => {
    const pt = await translator('pt-BR');
    expect(
      undescribedReason(pt, { subject: 'Bea', file: 'bea.jpg', reason: 'its source photo is missing' }),
    ).toBe('its source photo is missing');
  });
});

describe('refusedReason', () => {
  it('words every code of a face an import left out in the UI language', async () => {
    const [t, pt] = [await translator('en'), await translator('pt-BR')];
    const base = { subject: 'Bea', file: 'bea.jpg', reason: 'stored English' };
    const faces: Record<RefusedFace['code'], RefusedFace> = {
      DUPLICATE: { ...base, code: 'DUPLICATE', enrolledAs: { id: 's1', name: 'Beatriz Example' } },
      REMOVED_HERE: { ...base, code: 'REMOVED_HERE' },
    };
    for (const code of refusedCodes) {
      const face = faces[code];
      const english = refusedReason(t, face);
      const portuguese = refusedReason(pt, face);
      expect(english).not.toMatch(/^watchlist\.|stored English|\{\{/);
      expect(portuguese).not.toMatch(/^watchlist\.|stored English|\{\{/);
      expect(portuguese).not.toBe(english);
    }
    // A duplicate names the subject that has the face.
    expect(refusedReason(t, faces.DUPLICATE)).toMatch(/Beatriz Example/);
    expect(refusedReason(pt, faces.DUPLICATE)).toMatch(/Beatriz Example/);
  });
});

describe('skippedReason', () => {
  it('words every code of a subject an import changed nothing of in the UI language', async () => {
    const [t, pt] = [await translator('en'), await translator('pt-BR')];
    for (const code of skippedCodes) {
      const subject = { id: 's1', name: 'Bea', reason: 'stored English', code };
      const english = skippedReason(t, subject);
      const portuguese = skippedReason(pt, subject);
      expect(english).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toBe(english);
    }
  });

  it('falls back to the stored English of a report written before codes existed', async () => {
    const pt = await translator('pt-BR');
    expect(skippedReason(pt, { id: 's1', name: 'Bea', reason: 'already up to date' })).toBe(
      'already up to date',
    );
  });
});
