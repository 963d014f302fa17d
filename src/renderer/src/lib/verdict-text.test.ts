import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/test-translator';
import { caveatText, verdictRule, verdictScore, verifyLines, type VerifyOutcome } from './verdict-text';

const thresholds = { match: 0.5, possible: 1 / 3 };

describe('verdictRule', () => {
  it('says the rule that produced each verdict, with the thresholds in force', async () => {
    const en = await translator('en');
    expect(verdictRule({ verdict: 'match', score: 0.62, thresholds }, 'en', en)).toBe('match ≥ 0.50');
    expect(verdictRule({ verdict: 'possible', score: 0.41, thresholds }, 'en', en)).toBe(
      'possible ≥ 0.33 (match ≥ 0.50)',
    );
    expect(verdictRule({ verdict: 'no_match', score: 0.12, thresholds }, 'en', en)).toBe(
      'below possible ≥ 0.33',
    );
  });

  it('shows as many decimals as tell the score from a threshold, in the UI language', async () => {
    const pt = await translator('pt-BR');
    const b = { verdict: 'no_match' as const, score: 0.331, thresholds };
    expect(verdictScore(b, 'pt-BR')).toBe('0,331');
    expect(verdictRule(b, 'pt-BR', pt)).toBe('abaixo de possível ≥ 0,333');
  });
});

const outcome = (o: Partial<VerifyOutcome>): VerifyOutcome => ({
  name: 'Ana Lima',
  verdict: 'no_match',
  thresholds,
  box: [10, 10, 120, 120],
  score: 0,
  facesInPhoto: 1,
  ...o,
});

describe('verifyLines', () => {
  it('words a match, a possible match and a miss with the score against its threshold', async () => {
    const t = await translator('en');
    expect(verifyLines(outcome({ verdict: 'match', score: 0.62 }), 'en', t)).toEqual({
      headline: 'Ana Lima: match',
      detail: 'Score 0.62 · match ≥ 0.50',
    });
    expect(verifyLines(outcome({ verdict: 'possible', score: 0.41, facesInPhoto: 2 }), 'en', t).detail).toBe(
      'Score 0.41 · possible ≥ 0.33 (match ≥ 0.50)',
    );
    expect(verifyLines(outcome({ score: 0.12, facesInPhoto: 3 }), 'en', t)).toEqual({
      headline: 'Ana Lima: not found',
      detail: 'Best of 3 faces scores 0.12 · below possible ≥ 0.33',
    });
    expect(verifyLines(outcome({ score: 0.12 }), 'en', t).detail).toBe(
      'The one face scores 0.12 · below possible ≥ 0.33',
    );
  });

  it('says when the photo has no face, or none that could be compared', async () => {
    const t = await translator('en');
    expect(verifyLines(outcome({ box: null, facesInPhoto: 0 }), 'en', t).detail).toBe(
      'No face found in this photo',
    );
    expect(verifyLines(outcome({ box: null, facesInPhoto: 2 }), 'en', t).detail).toBe(
      'None of the 2 faces found could be compared',
    );
  });

  it('speaks Portuguese, with its decimal comma', async () => {
    const t = await translator('pt-BR');
    expect(verifyLines(outcome({ verdict: 'match', score: 0.62 }), 'pt-BR', t)).toEqual({
      headline: 'Ana Lima: correspondência',
      detail: 'Pontuação 0,62 · correspondência ≥ 0,50',
    });
    expect(verifyLines(outcome({ box: null, facesInPhoto: 0 }), 'pt-BR', t).detail).toBe(
      'Nenhum rosto encontrado nesta foto',
    );
    // A miss agrees with no gender: "não encontrada" read oddly beside a man's name.
    expect(verifyLines(outcome({ name: 'Barack Obama', score: 0.12 }), 'pt-BR', t).headline).toBe(
      'Barack Obama: nenhum rosto corresponde',
    );
  });
});

describe('caveatText', () => {
  it('words a caveat as the identify cards do', async () => {
    const t = await translator('en');
    expect(caveatText('too_small', [0, 0, 40, 30], t)).toBe(
      'Face 30 px, under 48: too small for a reliable verdict',
    );
    expect(caveatText('no_descriptor', null, t)).toBe('No landmarks found: this face was not compared');
  });
});
