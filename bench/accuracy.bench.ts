// Identification accuracy with the shipped calibration: a watchlist enrolled from
// ../shared/datasets/identities (every photo of each person, its largest face), then every face
// of every `_queries` photo identified against it; strangers (faces of people not enrolled)
// identified the same way; verification ROC figures with the number of pairs behind each.
// Faces are compared as the app compares them: cosine over `matchDescriptor` (faceres fused with
// aligned mobileface). The same figures for faceres alone (the descriptor before the fusion, with
// its own calibration from the 2026-11-23 faceres run) are printed beside them for comparison.
//   node --import tsx -e "import('./bench/accuracy.bench.ts').then(m => m.accuracyBench())"
import { basename, dirname } from 'node:path';
import {
  combinedScore,
  DEFAULT_CALIBRATION,
  distinctFaces,
  explainVerdict,
  fmrOfScore,
  similarity,
  similarityForScore,
  type Calibration,
  type Verdict,
} from '../src/main/core/match/calibration';
import {
  faceresPart,
  largestFace,
  loadDataset,
  QUERY_FACES,
  realPairs,
  thresholdAtFmr,
  wilson,
  type LabelledFace,
} from './calibration.bench';
import { fmt, machine, skipWithoutDatasets } from './util';

interface Enrolled {
  name: string;
  vectors: Float32Array[];
  photos: string[];
  distinct: number;
}

interface Candidate {
  name: string;
  similarity: number;
  score: number;
}

const cal = DEFAULT_CALIBRATION;

/** faceres alone, as calibrated before the fusion (docs/calibration.md, "before"). */
const FACERES_CALIBRATION: Calibration = {
  ...DEFAULT_CALIBRATION,
  modelId: 'human/faceres',
  impostor: { distribution: 'logistic', location: 0.3965, scale: 0.0406 },
  nearDuplicate: 0.85,
};

/** How a face is compared: the shipped fused vector, or its faceres part with its own calibration. */
interface View {
  label: string;
  cal: Calibration;
  vec: (d: Float32Array) => Float32Array;
}

const FUSED: View = { label: 'fused (shipped)', cal, vec: (d) => d };
const FACERES: View = { label: 'faceres alone (before)', cal: FACERES_CALIBRATION, vec: faceresPart };
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const sci = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : 'n/a');
const ci = (k: number, n: number) => {
  const [lo, hi] = wilson(k, n);
  return `${pct(k / n)} (${k}/${n}, 95% CI ${pct(lo)}–${pct(hi)})`;
};

function identify(descriptor: Float32Array, watchlist: Enrolled[], view: View = FUSED): Candidate[] {
  const probe = view.vec(descriptor);
  return watchlist
    .map((s) => {
      const c = combinedScore(
        s.vectors.map((v) => similarity(probe, view.vec(v))),
        view.cal,
        'best',
        view === FUSED ? s.distinct : distinctFaces(s.vectors.map(view.vec), view.cal.nearDuplicate),
      );
      return { name: s.name, similarity: c.similarity, score: c.score };
    })
    .sort((a, b) => b.score - a.score || b.similarity - a.similarity);
}

export async function accuracyBench(): Promise<void> {
  console.log(`\n## Accuracy — ${machine()}, ${new Date().toISOString().slice(0, 10)}`);
  if (skipWithoutDatasets()) return;
  const t0 = performance.now();
  const data = await loadDataset();
  const { thresholds } = cal;
  console.log(
    `calibration: ${cal.modelId}, ${cal.metric}; thresholds match ${fmt(thresholds.match, 3)} (FMR ${sci(fmrOfScore(thresholds.match))} ` +
      `per subject, cosine ${fmt(similarityForScore(thresholds.match), 3)} for one enrolled face), possible ${fmt(thresholds.possible, 3)} ` +
      `(FMR ${sci(fmrOfScore(thresholds.possible))}, cosine ${fmt(similarityForScore(thresholds.possible), 3)}); several faces: best-of, corrected`,
  );

  // Enrol --------------------------------------------------------------------------------------------
  const byName = new Map<string, Enrolled>();
  for (const photo of data.photos) {
    if (!photo.rel.startsWith('identities/') || photo.rel.startsWith('identities/_queries/')) continue;
    const i = largestFace(photo);
    if (i < 0) {
      console.log(`  no face in ${photo.rel}: not enrolled`);
      continue;
    }
    const name = basename(dirname(photo.path));
    const s = byName.get(name) ?? { name, vectors: [], photos: [], distinct: 0 };
    s.vectors.push(photo.faces[i]!.descriptor);
    s.photos.push(basename(photo.path));
    byName.set(name, s);
  }
  const watchlist = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of watchlist) s.distinct = distinctFaces(s.vectors, cal.nearDuplicate);
  console.log(
    `watchlist: ${watchlist
      .map(
        (s) =>
          `${s.name} ${s.vectors.length} photo${s.vectors.length > 1 ? 's' : ''} (${s.distinct} distinct)`,
      )
      .join(', ')}`,
  );

  // Queries ------------------------------------------------------------------------------------------
  console.log('\n### Queries (faces left to right; expected people from datasets/README.md)');
  console.log(
    `${pad('query', 24)}${pad('face', 6)}${pad('expected', 16)}${pad('top candidate', 16)}${lpad('cosine', 8)}${lpad('score', 7)}` +
      `  ${pad('verdict (threshold)', 28)}${pad('runner-up', 22)}${pad('faceres alone (top, cos, score)', 40)}result`,
  );
  let labelled = 0;
  let rank1 = 0;
  let asMatch = 0;
  let asPossible = 0;
  let beforeMatch = 0;
  let beforeRank1 = 0;
  const strangerVerdicts: string[] = [];
  const queryGenuine: number[] = [];
  for (const photo of data.photos.filter((p) => p.rel.startsWith('identities/_queries/'))) {
    const name = basename(photo.path);
    const expected = QUERY_FACES[name] ?? [];
    if (photo.faces.length !== expected.length) {
      console.log(`  ${name}: ${photo.faces.length} faces found, ${expected.length} expected`);
    }
    photo.faces.forEach((face, i) => {
      const want = expected[i];
      const [top, second] = identify(face.descriptor, watchlist);
      if (!top) return;
      const before = identify(face.descriptor, watchlist, FACERES)[0]!;
      const beforeVerdict = explainVerdict(before.score, FACERES.cal.thresholds).verdict;
      if (want && before.name === want) {
        beforeRank1++;
        if (beforeVerdict === 'match') beforeMatch++;
      }
      const beforeCell = `${before.name} ${fmt(before.similarity, 3)} ${fmt(before.score, 3)} ${beforeVerdict}`;
      const v = explainVerdict(top.score, thresholds);
      const basis =
        v.verdict === 'no_match'
          ? `no_match (< possible ${fmt(v.value, 2)})`
          : `${v.verdict} (≥ ${v.threshold} ${fmt(v.value, 2)})`;
      let result: string;
      if (want) {
        labelled++;
        const own = identify(face.descriptor, watchlist).find((c) => c.name === want);
        if (own) queryGenuine.push(own.score);
        if (top.name === want) {
          rank1++;
          if (v.verdict === 'match') asMatch++;
          if (v.verdict !== 'no_match') asPossible++;
          result =
            v.verdict === 'match' ? 'ok' : v.verdict === 'possible' ? 'rank 1, possible' : 'rank 1, no_match';
        } else {
          result = `WRONG (${want} scores ${fmt(own?.score ?? NaN, 3)})`;
        }
      } else if (want === null) {
        result = v.verdict === 'no_match' ? 'ok (stranger)' : `stranger given ${v.verdict}`;
        strangerVerdicts.push(`${name}#${i} → ${v.verdict} (score ${fmt(top.score, 3)})`);
      } else {
        result = 'unlabelled face';
      }
      console.log(
        `${pad(name, 24)}${pad(`#${i}`, 6)}${pad(want ?? (want === null ? '(stranger)' : '?'), 16)}${pad(top.name, 16)}` +
          `${lpad(fmt(top.similarity, 3), 8)}${lpad(fmt(top.score, 3), 7)}  ${pad(basis, 28)}` +
          `${pad(second ? `${second.name} ${fmt(second.score, 3)}` : '', 22)}${pad(beforeCell, 40)}${result}`,
      );
    });
  }
  console.log(
    `\nrank-1 identification: ${rank1}/${labelled} expected faces; top candidate with verdict match: ${asMatch}/${labelled}; ` +
      `match or possible: ${asPossible}/${labelled}` +
      ` (faceres alone: rank 1 ${beforeRank1}/${labelled}, match ${beforeMatch}/${labelled})`,
  );
  console.log(`strangers in the queries: ${strangerVerdicts.join('; ')}`);

  // Strangers ----------------------------------------------------------------------------------------
  console.log('\n### Strangers: faces from groups/, portraits/ and the face-api samples (nobody enrolled)');
  const groups: [string, LabelledFace[]][] = [
    ['real people', data.faces.filter((f) => !f.photo.rel.startsWith('identities/'))],
    ['CGI / generated', data.synthetic],
  ];
  const perSubject = (score: number) => 1 - (1 - fmrOfScore(score)) ** watchlist.length;
  const allTops: { id: string; c: Candidate }[] = [];
  for (const view of [FUSED, FACERES]) {
    for (const [label, list] of groups) {
      const verdicts: Verdict[] = [];
      for (const f of list) {
        const top = identify(f.face.descriptor, watchlist, view)[0]!;
        verdicts.push(explainVerdict(top.score, view.cal.thresholds).verdict);
        if (view === FUSED) allTops.push({ id: f.id, c: top });
      }
      const n = verdicts.length;
      const m = verdicts.filter((v) => v === 'match').length;
      const p = verdicts.filter((v) => v !== 'no_match').length;
      console.log(
        `  ${pad(view.label, 24)} ${pad(label, 16)} ${n} faces: verdict match ${ci(m, n)}; match or possible ${ci(p, n)}`,
      );
    }
  }
  console.log(
    `  expected from the calibration for a ${watchlist.length}-subject watchlist: match ≤ ${pct(perSubject(thresholds.match))}, ` +
      `match or possible ≤ ${pct(perSubject(thresholds.possible))} of stranger faces (the model is conservative)`,
  );
  allTops.sort((a, b) => b.c.score - a.c.score);
  console.log(
    `  highest stranger scores: ${allTops
      .slice(0, 6)
      .map((t) => `${t.id} → ${t.c.name} ${fmt(t.c.score, 3)} (cos ${fmt(t.c.similarity, 3)})`)
      .join('; ')}`,
  );

  // Verification ROC ---------------------------------------------------------------------------------
  console.log('\n### Verification ROC (real pairs; a threshold at FAR f rests on about f × impostor pairs)');
  const pairs = realPairs(data.faces);
  for (const view of [FUSED, FACERES]) {
    console.log(`  ${view.label}:`);
    const sim = (p: (typeof pairs)[number]) => similarity(view.vec(p.a), view.vec(p.b));
    const imp = pairs
      .filter((p) => p.cls === 'impostor')
      .map(sim)
      .sort((a, b) => b - a);
    for (const cls of ['independent', 'series', 'same-source'] as const) {
      const gen = pairs.filter((p) => p.cls === cls).map(sim);
      const cells = [1e-2, 1e-3].map((far) => {
        const { t, count } = thresholdAtFmr(imp, far);
        const k = gen.filter((g) => g >= t).length;
        return `TAR@FAR${sci(far)} ${ci(k, gen.length)} at cosine ${fmt(t, 3)} (${count} of ${imp.length} impostor pairs above)`;
      });
      console.log(`    ${pad(cls, 12)} ${cells.join('; ')}`);
    }
  }
  const impCount = pairs.filter((p) => p.cls === 'impostor').length;
  console.log(
    `  FAR 1e-3 rests on ${Math.floor(1e-3 * impCount)} impostor pairs from ${new Set(pairs.flatMap((p) => (p.cls === 'impostor' ? [p.ida, p.idb] : []))).size} faces (pairs share faces: ` +
      'the effective sample is smaller); FAR 1e-4 is not measurable here (≈ 1 pair).',
  );

  // Subject-level verification with the watchlist
  const strangers = groups[0]![1];
  const subjImp: number[] = [];
  for (const f of strangers) for (const c of identify(f.face.descriptor, watchlist)) subjImp.push(c.score);
  subjImp.sort((a, b) => b - a);
  const parts = [1e-2, 1e-3].map((far) => {
    const need = Math.floor(far * subjImp.length);
    if (need < 1)
      return `TAR@FAR${sci(far)}: not supported (${subjImp.length} stranger comparisons give < 1 false accept)`;
    const { t, count } = thresholdAtFmr(subjImp, far);
    const k = queryGenuine.filter((g) => g >= t).length;
    return `TAR@FAR${sci(far)} ${ci(k, queryGenuine.length)} at score ${fmt(t, 3)} (${count} of ${subjImp.length} stranger comparisons above)`;
  });
  console.log(
    `  subject level (query face vs its enrolled subject, best-of, corrected): ${parts.join('; ')}`,
  );
  console.log(`bench time ${fmt((performance.now() - t0) / 1000)} s`);
}
