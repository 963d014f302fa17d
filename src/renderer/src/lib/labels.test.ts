import { describe, expect, it } from 'vitest';
import { refusedCodes, undescribedCodes } from '../../../shared/watchlist-schemas';
import { translator } from '../i18n/test-translator';
import { refusedReason, undescribedReason } from './labels';

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
  it('words every code of a face an import left out in the UI language, naming the subject', async () => {
    const [t, pt] = [await translator('en'), await translator('pt-BR')];
    for (const code of refusedCodes) {
      const face = {
        subject: 'Bea',
        file: 'bea.jpg',
        reason: 'stored English',
        code,
        enrolledAs: { id: 's1', name: 'Beatriz Example' },
      };
      const english = refusedReason(t, face);
      const portuguese = refusedReason(pt, face);
      expect(english).toMatch(/Beatriz Example/);
      expect(portuguese).toMatch(/Beatriz Example/);
      expect(english).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toMatch(/^watchlist\.|stored English/);
      expect(portuguese).not.toBe(english);
    }
  });
});
