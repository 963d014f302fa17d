import type { TFunction } from 'i18next';
import {
  summaryMessageSchema,
  type HistoryRecord,
  type SummaryMatch,
  type SummaryMessage,
} from '../../../shared/history-schemas';
import { foldForSearch } from '../../../shared/search-text';
import { formatScore } from '../format';
import { cocoName } from './class-names';

type Values = SummaryMessage['values'];
const num = (v: Values, k: string) => (typeof v[k] === 'number' ? (v[k] as number) : 0);
const str = (v: Values, k: string) => String(v[k] ?? '');

/**
 * A record's summary in the UI language, from its message; a record without one (older, or an
 * error) shows its English `summary` as stored.
 */
export function summaryText(
  record: Pick<HistoryRecord, 'summary' | 'summaryMessage'>,
  t: TFunction,
  lang: string,
) {
  const m = record.summaryMessage;
  if (!m) return record.summary;
  const v = m.values;
  const verdict = () => t(`identify.verdicts.${str(v, 'verdict') as 'match' | 'possible' | 'no_match'}`);
  const score = () => formatScore(lang, num(v, 'score'));
  switch (m.key) {
    case 'inspect':
      return t('history.summaries.inspect', { count: num(v, 'count') });
    case 'identify':
    case 'identifyMatches': {
      const possible = num(v, 'possible');
      const main =
        m.key === 'identifyMatches'
          ? t('history.summaries.identifyMatches', {
              count: num(v, 'count'),
              matches: num(v, 'matches'),
              names: str(v, 'names'),
            })
          : t(`history.summaries.${possible ? 'inspect' : 'identify'}`, { count: num(v, 'count') });
      if (!possible) return main;
      return `${main}; ${t('history.summaries.identifyPossible', { count: possible, names: str(v, 'possibleNames') })}`;
    }
    case 'verify':
      return t('history.summaries.verify', { name: str(v, 'name'), verdict: verdict(), score: score() });
    case 'verifyNoFace':
    case 'verifyUnmatched':
      return t(`history.summaries.${m.key}`, { name: str(v, 'name') });
    case 'compare':
      return t('history.summaries.compare', { verdict: verdict(), score: score() });
    case 'search':
    case 'searchApproximate':
      return t(`history.summaries.${m.key}`, {
        count: num(v, 'count'),
        metric: t(`search.metrics.${str(v, 'metric') as 'cosine' | 'euclidean'}`),
        source: t(`search.sources.${str(v, 'source') as 'watchlist' | 'seen' | 'all'}`),
      });
    case 'enroll':
      return t('history.summaries.enroll', { file: str(v, 'file'), name: str(v, 'name') });
    case 'export':
      return t('history.summaries.export', {
        count: num(v, 'count'),
        faces: t('history.summaries.exportFaces', { count: num(v, 'faces') }),
      });
    case 'import':
      return t('history.summaries.import', {
        added: num(v, 'added'),
        updated: num(v, 'updated'),
        skipped: num(v, 'skipped'),
      });
    case 'classify': {
      const label = num(v, 'builtin') ? cocoName(num(v, 'classId'), str(v, 'label'), lang) : str(v, 'label');
      const parts = [label ? `${label} ${score()}` : t('common.none')];
      if (num(v, 'objects') >= 0) parts.push(t('history.summaries.objects', { count: num(v, 'objects') }));
      parts.push(t('history.summaries.inspect', { count: num(v, 'count') }));
      return `${parts.join(' · ')} (${str(v, 'model')})`;
    }
    case 'blur': {
      const extra = [
        num(v, 'manual') && t('history.summaries.blurManual', { count: num(v, 'manual') }),
        num(v, 'kept') && t('history.summaries.blurKept', { count: num(v, 'kept') }),
        num(v, 'leaks') && t('history.summaries.blurLeaks', { count: num(v, 'leaks') }),
      ].filter(Boolean);
      const main = t('history.summaries.blur', { count: num(v, 'count') });
      return extra.length ? `${main} (${extra.join(', ')})` : main;
    }
  }
}

/** Stands for a value (a name, a file, a number) in a sample summary: never part of a match. */
const HOLE = '\uE000'; // private use: in no translation

/** Values that show every wording of a summary: each verdict, metric and source, one and many. */
const SAMPLE_VALUES: Values[] = (['match', 'possible', 'no_match'] as const).flatMap((verdict) =>
  (['cosine', 'euclidean'] as const).flatMap((metric) =>
    (['watchlist', 'seen', 'all'] as const).flatMap((source) =>
      [1, 2].map((n) => ({
        ...Object.fromEntries(
          [
            'count',
            'matches',
            'faces',
            'added',
            'updated',
            'skipped',
            'objects',
            'manual',
            'kept',
            'leaks',
          ].map((k) => [k, n]),
        ),
        ...Object.fromEntries(
          ['name', 'names', 'possibleNames', 'file', 'label', 'model'].map((k) => [k, HOLE]),
        ),
        verdict,
        // Identify's summary names possible matches only when there are some.
        possible: verdict === 'possible' ? n : 0,
        metric,
        source,
        score: 0.5,
        builtin: 0,
        classId: 1,
      })),
    ),
  ),
);

/**
 * Counts whose part of a summary is said only when above zero: a wording with that part applies
 * only to records where they are (see `summaryKeysMatching`).
 */
const SAID_WHEN_ABOVE_ZERO: Partial<Record<SummaryMessage['key'], string[]>> = {
  identify: ['possible'],
  identifyMatches: ['possible'],
  blur: ['manual', 'kept', 'leaks'],
};

/** Every subset of `items`, smallest first. */
function subsets<T>(items: readonly T[]): T[][] {
  const all = items.reduce<T[][]>((acc, item) => [...acc, ...acc.map((s) => [...s, item])], [[]]);
  return all.sort((a, b) => a.length - b.length);
}

interface Wording {
  key: SummaryMessage['key'];
  /** The counts above zero in it. */
  nonZero: string[];
  said: string[];
}

/** Each summary's wordings in a language, folded, values left as holes; made once per language. */
const wordingsByLang = new Map<string, Wording[]>();

function wordings(t: TFunction, lang: string): Wording[] {
  let all = wordingsByLang.get(lang);
  if (!all) {
    all = summaryMessageSchema.shape.key.options.flatMap((key) => {
      const optional = SAID_WHEN_ABOVE_ZERO[key] ?? [];
      return subsets(optional).map((nonZero) => {
        const said = SAMPLE_VALUES.map((sample) => {
          const values: Values = { ...sample };
          for (const k of optional) values[k] = nonZero.includes(k) ? num(sample, k) || 1 : 0;
          return summaryText({ summary: '', summaryMessage: { key, values } }, t, lang);
        });
        return {
          key,
          nonZero,
          said: [...new Set(said.map((x) => foldForSearch(x.replace(/[\d\uE000]+/g, HOLE))))],
        };
      });
    });
    wordingsByLang.set(lang, all);
  }
  return all;
}

/**
 * Summary wordings that say `text` in the UI language in their own words: records store English
 * summaries, so the history's text filter sends these along (the core matches the values, such
 * as names and files, itself). A wording whose match lies in a part said only for some counts
 * (a blur's "still detectable") names those counts. Numbers are left out: "3" is no word of a
 * summary.
 */
export function summaryKeysMatching(text: string, t: TFunction, lang: string): SummaryMatch[] {
  const wanted = foldForSearch(text.trim());
  if (!wanted) return [];
  const found: SummaryMatch[] = [];
  const needs = new Map<SummaryMessage['key'], string[][]>();
  // Smallest count sets first: a wording is left out where a smaller one of its key already matched.
  for (const w of wordings(t, lang)) {
    if (!w.said.some((x) => x.includes(wanted))) continue;
    const before = needs.get(w.key) ?? [];
    if (before.some((n) => n.every((k) => w.nonZero.includes(k)))) continue;
    needs.set(w.key, [...before, w.nonZero]);
    found.push(w.nonZero.length ? { key: w.key, nonZero: w.nonZero } : w.key);
  }
  return found;
}
