import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { SummaryMessage } from '../../../shared/history-schemas';
import { translator } from '../i18n/test-translator';
import { summaryKeysMatching, summaryText } from './history-summary';

const say = (t: TFunction, lang: string, message: SummaryMessage) =>
  summaryText({ summary: 'stored English', summaryMessage: message }, t, lang);

describe('summaryText', () => {
  it('says each kind of job in the UI language', async () => {
    const pt = await translator('pt-BR');
    expect(say(pt, 'pt-BR', { key: 'inspect', values: { count: 3 } })).toBe('3 rostos');
    expect(say(pt, 'pt-BR', { key: 'identifyMatches', values: { count: 3, matches: 1, names: 'Ana' } })).toBe(
      '3 rostos; 1 com correspondência: Ana',
    );
    expect(
      say(pt, 'pt-BR', { key: 'identify', values: { count: 2, possible: 2, possibleNames: 'Ana, Bo' } }),
    ).toBe('2 rostos; 2 possíveis: Ana, Bo');
    expect(
      say(pt, 'pt-BR', { key: 'verify', values: { name: 'Ana', verdict: 'no_match', score: 0.1 } }),
    ).toBe('Ana: Sem correspondência (pontuação 0,10)');
    expect(
      say(pt, 'pt-BR', { key: 'searchApproximate', values: { count: 10, metric: 'cosine', source: 'seen' } }),
    ).toBe('10 rostos parecidos (Cosseno, Rostos vistos, aproximada)');
    expect(
      say(pt, 'pt-BR', {
        key: 'classify',
        values: {
          label: 'person',
          classId: 1,
          builtin: 1,
          score: 0.67,
          objects: 5,
          count: 3,
          model: 'centernet',
        },
      }),
    ).toBe('pessoa 0,67 · 5 objetos · 3 rostos (centernet)');
    expect(say(pt, 'pt-BR', { key: 'blur', values: { count: 4, manual: 1, kept: 0, leaks: 0 } })).toBe(
      '4 rostos desfocados (1 desenhado à mão)',
    );
    expect(say(pt, 'pt-BR', { key: 'blur', values: { count: 3, manual: 0, kept: 2, leaks: 1 } })).toBe(
      '3 rostos desfocados (2 mantidos, 1 ainda detectável)',
    );
  });

  it('reads as the stored English summary does in English', async () => {
    const t = await translator('en');
    expect(say(t, 'en', { key: 'identify', values: { count: 1 } })).toBe('1 face, no match');
    // A possible match is named, never hidden behind "no match".
    expect(
      say(t, 'en', { key: 'identify', values: { count: 1, possible: 1, possibleNames: 'Barack Obama' } }),
    ).toBe('1 face; 1 possible: Barack Obama');
    expect(
      say(t, 'en', {
        key: 'identifyMatches',
        values: { count: 3, matches: 1, names: 'Ana', possible: 2, possibleNames: 'Bo, Cy' },
      }),
    ).toBe('3 faces; 1 matched: Ana; 2 possible: Bo, Cy');
    expect(say(t, 'en', { key: 'import', values: { added: 2, updated: 0, skipped: 1 } })).toBe(
      'Imported 2 new, 0 updated, 1 skipped',
    );
    expect(
      say(t, 'en', {
        key: 'classify',
        values: { label: 'cat', classId: 0, builtin: 0, score: 0.9, objects: -1, count: 0, model: 'pets' },
      }),
    ).toBe('cat 0.90 · 0 faces (pets)');
  });

  it('says a watchlist export with both counts in their plural forms', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    const exp = (count: number, faces: number) => ({ key: 'export' as const, values: { count, faces } });
    expect(say(en, 'en', exp(1, 1))).toBe('Exported 1 subject, 1 face');
    expect(say(en, 'en', exp(2, 1))).toBe('Exported 2 subjects, 1 face');
    expect(say(en, 'en', exp(1, 3))).toBe('Exported 1 subject, 3 faces');
    expect(say(pt, 'pt-BR', exp(1, 1))).toBe('1 procurado exportado, 1 rosto');
    expect(say(pt, 'pt-BR', exp(2, 5))).toBe('2 procurados exportados, 5 rostos');
  });

  it('shows the stored summary of a record without a message', async () => {
    const t = await translator('pt-BR');
    expect(summaryText({ summary: '2 faces' }, t, 'pt-BR')).toBe('2 faces');
  });
});

describe('summaryKeysMatching', () => {
  it('names the summaries whose words in the UI language contain the text, accents or not', async () => {
    const pt = await translator('pt-BR');
    expect(summaryKeysMatching('cadastrado', pt, 'pt-BR')).toEqual(['enroll']);
    expect(summaryKeysMatching('DESFOCADO', pt, 'pt-BR')).toEqual(['blur']);
    // Typed without the accent; in identify's, verify's and compare's wordings (verdicts too).
    expect(summaryKeysMatching('correspondencia', pt, 'pt-BR')).toEqual([
      'identify',
      'identifyMatches',
      'verify',
      'compare',
    ]);
    expect(summaryKeysMatching('aproximada', pt, 'pt-BR')).toEqual(['searchApproximate']);
    // English words are not Portuguese summaries (the stored English summary is matched by the core).
    expect(summaryKeysMatching('enrolled', pt, 'pt-BR')).toEqual([]);
  });

  it('a match in a part said only for some counts names those counts', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    // "still detectable" is said only of blur jobs with leaks: not every blur job matches.
    expect(summaryKeysMatching('still detectable', en, 'en')).toEqual([{ key: 'blur', nonZero: ['leaks'] }]);
    expect(summaryKeysMatching('ainda detectáveis', pt, 'pt-BR')).toEqual([
      { key: 'blur', nonZero: ['leaks'] },
    ]);
    expect(summaryKeysMatching('drawn by hand', en, 'en')).toEqual([{ key: 'blur', nonZero: ['manual'] }]);
    expect(summaryKeysMatching('possíveis', pt, 'pt-BR')).toEqual([
      { key: 'identify', nonZero: ['possible'] },
      { key: 'identifyMatches', nonZero: ['possible'] },
    ]);
    // Said by every blur summary.
    expect(summaryKeysMatching('desfocad', pt, 'pt-BR')).toEqual(['blur']);
  });

  it('leaves values and numbers to the core', async () => {
    const pt = await translator('pt-BR');
    expect(summaryKeysMatching('3', pt, 'pt-BR')).toEqual([]);
    expect(summaryKeysMatching('Zoë', pt, 'pt-BR')).toEqual([]);
    // A word of a value's translation is a word of the summary: "Euclidiana" holds "ana".
    expect(summaryKeysMatching('ana', pt, 'pt-BR')).toEqual(['search', 'searchApproximate']);
    expect(summaryKeysMatching('  ', pt, 'pt-BR')).toEqual([]);
  });
});
