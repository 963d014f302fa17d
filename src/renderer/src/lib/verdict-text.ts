import type { TFunction } from 'i18next';
import {
  faceSizeOf,
  RELIABLE_FACE_PX,
  type FaceCaveat,
  type Thresholds,
  type Verdict,
} from '../../../shared/match-schemas';
import type { Box } from '../../../shared/schemas';
import { formatScore, scoreDigits } from '../format';

/**
 * How every verdict is worded (an identified face on a Scan card, a verify card, a compared
 * pair): its score, the rule that produced it, and what stands in the way of trusting it.
 */

/** What a verdict was judged on: the score and the thresholds in force at the time. */
export interface VerdictBasis {
  verdict: Verdict;
  score: number;
  thresholds: Thresholds;
}

/** Decimals for a score and its thresholds: as many as tell them apart (see scoreDigits). */
export const verdictDigits = (b: VerdictBasis): number =>
  scoreDigits(b.score, [b.thresholds.match, b.thresholds.possible]);

/** The score as shown beside its verdict, with the decimals of `verdictDigits`. */
export const verdictScore = (b: VerdictBasis, lang: string): string =>
  formatScore(lang, b.score, verdictDigits(b));

/** "match ≥ 0.50" — the rule that produced the verdict, with the threshold in force. */
export function verdictRule(b: VerdictBasis, lang: string, t: TFunction): string {
  const digits = verdictDigits(b);
  const match = formatScore(lang, b.thresholds.match, digits);
  const possible = formatScore(lang, b.thresholds.possible, digits);
  if (b.verdict === 'match') return t('identify.ruleMatch', { match });
  if (b.verdict === 'possible') return t('identify.rulePossible', { possible, match });
  return t('identify.ruleNone', { possible });
}

/** Why a verdict says less than it seems, worded for a face of this box. */
export function caveatText(caveat: NonNullable<FaceCaveat>, box: Box | null, t: TFunction): string {
  return t(`identify.caveats.${caveat}`, {
    size: box ? faceSizeOf(box) : 0,
    minimum: RELIABLE_FACE_PX,
  });
}

/** A verify result as the card's two lines read it (match.verify's output, the fields used here). */
export interface VerifyOutcome extends VerdictBasis {
  name: string;
  box: Box | null;
  facesInPhoto: number;
}

/**
 * The verdict's headline ("Ana Lima: match") and the line that explains it ("score 0.62 ·
 * match ≥ 0.50"; "best of 3 faces: 0.12 · below possible ≥ 0.333"; "No face found in this photo").
 */
export function verifyLines(
  result: VerifyOutcome,
  lang: string,
  t: TFunction,
): { headline: string; detail: string } {
  const headline = t(`scan.verify.headline.${result.verdict}`, { name: result.name });
  if (result.facesInPhoto === 0) return { headline, detail: t('scan.verify.noFace') };
  // Faces found, none of them with landmarks: nothing was compared (the caveat says why).
  if (!result.box) return { headline, detail: t('scan.verify.noneCompared', { count: result.facesInPhoto }) };
  const score = verdictScore(result, lang);
  const rule = verdictRule(result, lang, t);
  return {
    headline,
    detail:
      result.verdict === 'no_match'
        ? t('scan.verify.bestOf', { count: result.facesInPhoto, score, rule })
        : t('scan.verify.scored', { score, rule }),
  };
}
