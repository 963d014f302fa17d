import { describe, expect, it } from 'vitest';
import {
  fitLabel,
  labelWidth,
  placeLabels,
  type LabelPlacement,
  type LabelRequest,
  type Rect,
} from './label-layout';

const HEIGHT = 15;
const FONT = { size: 10, padding: 4, maxChars: 18, suffixGap: 0.6 };

function request(box: Rect, text: string, suffix?: string, priority?: number): LabelRequest {
  return { box, ...labelWidth(text, suffix, FONT), priority };
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The rules every layout keeps: inside the frame, clear of other boxes and labels, next to its own box. */
function expectClean(
  frame: { w: number; h: number },
  requests: LabelRequest[],
  spots: (LabelPlacement | null)[],
) {
  spots.forEach((spot, i) => {
    if (!spot) return;
    expect(spot.x).toBeGreaterThanOrEqual(0);
    expect(spot.y).toBeGreaterThanOrEqual(0);
    expect(spot.x + spot.w).toBeLessThanOrEqual(frame.w);
    expect(spot.y + spot.h).toBeLessThanOrEqual(frame.h);
    expect(spot.h).toBe(HEIGHT);
    const own = requests[i]!.box;
    // Attached: shares columns with its box and touches it (above, below or inside).
    expect(spot.x < own.x + own.w && own.x < spot.x + spot.w).toBe(true);
    if (spot.side === 'above') expect(own.y - (spot.y + spot.h)).toBeLessThanOrEqual(2);
    if (spot.side === 'below') expect(spot.y - (own.y + own.h)).toBeLessThanOrEqual(2);
    if (spot.side === 'inside') expect(intersects(spot, own)).toBe(true);
    requests.forEach((other, j) => {
      if (j !== i) expect(intersects(spot, other.box), `label ${i} over box ${j}`).toBe(false);
    });
    spots.forEach((label, j) => {
      if (j !== i && label) expect(intersects(spot, label), `label ${i} over label ${j}`).toBe(false);
    });
  });
}

describe('label layout', () => {
  it('moves apart the labels of two side-by-side faces that would collide (Biden and Obama)', () => {
    // The QA case: a 380 px card, two faces 17 px apart, labels ~120 px wide.
    const frame = { w: 380, h: 271 };
    const biden = { x: 134, y: 80, w: 56, h: 56 };
    const obama = { x: 207, y: 75, w: 56, h: 54 };
    const requests = [request(biden, '1 · Joe Biden', '0.53'), request(obama, '2 · Barack H. Obama', '0.64')];
    const spots = placeLabels(frame, requests, { height: HEIGHT });
    expectClean(frame, requests, spots);
    expect(spots.every(Boolean)).toBe(true);
    // Biden's label would run over Obama's box from the left edge: it hangs left from his right edge.
    expect(spots[0]).toMatchObject({ side: 'above', truncated: false });
    expect(spots[0]!.x + spots[0]!.w).toBeCloseTo(biden.x + biden.w);
    expect(spots[1]).toMatchObject({ side: 'above', x: obama.x, truncated: false });
  });

  it('keeps a label near the right edge on the photo, still over its box', () => {
    const frame = { w: 300, h: 200 };
    const box = { x: 270, y: 100, w: 28, h: 30 };
    const requests = [request(box, '1 · Barack H. Obama', '0.64')];
    const [spot] = placeLabels(frame, requests, { height: HEIGHT });
    expectClean(frame, requests, [spot ?? null]);
    expect(spot).toMatchObject({ side: 'above', truncated: false });
    expect(spot!.x + spot!.w).toBe(frame.w);
  });

  it('puts the label of a face at the top edge below it, not off the photo', () => {
    const frame = { w: 300, h: 200 };
    const box = { x: 40, y: 3, w: 50, h: 50 };
    const requests = [request(box, '97%')];
    const [spot] = placeLabels(frame, requests, { height: HEIGHT });
    expectClean(frame, requests, [spot ?? null]);
    expect(spot).toMatchObject({ side: 'below', x: 40, y: 54 });
  });

  it('lays out a group photo row of small faces with no overlaps, shortening or leaving out labels', () => {
    const frame = { w: 400, h: 260 };
    // 20 faces, 16 px wide, 2 px apart, in two rows close together; names far wider than a face.
    const requests: LabelRequest[] = [];
    for (let row = 0; row < 2; row++) {
      for (let i = 0; i < 10; i++) {
        const n = row * 10 + i + 1;
        const box = { x: 20 + i * 18, y: 80 + row * 20, w: 16, h: 16 };
        requests.push(
          n % 3 === 0
            ? request(box, `${n} · Someone Long Name`, '0.71', 0)
            : request(box, String(n), undefined, 2),
        );
      }
    }
    const spots = placeLabels(frame, requests, { height: HEIGHT });
    expectClean(frame, requests, spots);
    // Some fit, some do not: the rest are left out rather than drawn over a neighbour.
    expect(spots.filter(Boolean).length).toBeGreaterThan(4);
    expect(spots.some((s) => s === null)).toBe(true);
    // Matches (priority 0) were placed first, so each match got a label.
    requests.forEach((r, i) => {
      if (r.priority === 0) expect(spots[i], `match ${i + 1}`).not.toBeNull();
    });
    // Same input, same output.
    expect(placeLabels(frame, requests, { height: HEIGHT })).toEqual(spots);
  });

  it('shortens a label to its box when the full width has no room', () => {
    const frame = { w: 200, h: 100 };
    // Tall neighbours left and right leave only the box's own columns free above it, none below.
    const requests = [
      request({ x: 60, y: 40, w: 60, h: 40 }, '1 · A Very Long Subject Name', '0.90'),
      request({ x: 30, y: 20, w: 28, h: 70 }, ''),
      request({ x: 122, y: 20, w: 28, h: 70 }, ''),
    ].map((r) => (r.width > 8 ? r : { ...r, width: 0, minWidth: 0 }));
    const spots = placeLabels(frame, requests, { height: HEIGHT });
    expectClean(frame, requests, spots);
    expect(spots[0]).toMatchObject({ side: 'above', x: 60, w: 60, truncated: true });
    expect(spots[1]).toBeNull();
    expect(spots[2]).toBeNull();
  });

  it('measures a label with its suffix kept whole', () => {
    const { width, minWidth } = labelWidth('2 · Barack H. Obama', '0.64', FONT);
    expect(width).toBe(Math.ceil(18 * 6.2 + 4.6 * 6.2 + 8));
    expect(minWidth).toBe(Math.ceil(2 * 6.2 + 4.6 * 6.2 + 8));
    expect(labelWidth('3', undefined, FONT)).toEqual({ width: 15, minWidth: 15 });
    // With a short form (the face's number), shortened it needs room for that and the suffix only.
    expect(labelWidth('2 · Barack H. Obama', '0.64', FONT, '2').minWidth).toBe(
      Math.ceil(6.2 + 4.6 * 6.2 + 8),
    );
    expect(labelWidth('12 · Barack H. Obama', '0.64', FONT, '12').minWidth).toBe(
      Math.ceil(2 * 6.2 + 4.6 * 6.2 + 8),
    );
  });

  it('shows a shortened label only while some of the name shows, else the number and the score', () => {
    const text = '2 · Alice Example';
    const { width, minWidth } = labelWidth(text, '1.00', FONT, '2');
    // Room for all of it: all of it.
    expect(fitLabel(text, '1.00', FONT, width, '2')).toEqual({ text, w: width });
    // Room for "2 · Ali…": the name's first letters say who, the CSS ellipsis does the rest.
    const threeLetters = Math.ceil(8 * 6.2 + 4.6 * 6.2 + 8);
    expect(fitLabel(text, '1.00', FONT, threeLetters, '2')).toEqual({ text, w: threeLetters });
    // Room for "2 · A…" or "2 · …" only: that says nothing, so the number alone, at its own width.
    for (const w of [threeLetters - 7, Math.ceil(5 * 6.2 + 4.6 * 6.2 + 8), 60]) {
      expect(fitLabel(text, '1.00', FONT, w, '2')).toEqual({ text: '2', w: minWidth });
    }
    // The layout's shortened label (its box's width, 60 px here) ends the same way.
    const frame = { w: 200, h: 100 };
    const requests = [
      {
        box: { x: 60, y: 40, w: 60, h: 40 },
        ...labelWidth('1 · A Very Long Subject Name', '0.90', FONT, '1'),
      },
      { box: { x: 30, y: 20, w: 28, h: 70 }, width: 0, minWidth: 0 },
      { box: { x: 122, y: 20, w: 28, h: 70 }, width: 0, minWidth: 0 },
    ];
    const [spot] = placeLabels(frame, requests, { height: HEIGHT });
    expect(spot).toMatchObject({ w: 60, truncated: true });
    expect(fitLabel('1 · A Very Long Subject Name', '0.90', FONT, spot!.w, '1').text).toBe('1');
    // A short name that fits whole never turns into its number; nor does a label without a short form.
    expect(fitLabel('3 · Al', '0.50', FONT, labelWidth('3 · Al', '0.50', FONT).width, '3').text).toBe(
      '3 · Al',
    );
    expect(fitLabel(text, '1.00', FONT, 40)).toEqual({ text, w: 40 });
  });
});
