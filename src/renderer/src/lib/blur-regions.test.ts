import { describe, expect, it } from 'vitest';
import {
  boxFromPoints,
  centredBox,
  clampBox,
  countRegions,
  coverageOf,
  fromDetected,
  mergeRedetected,
  minFaceChoices,
  moveBox,
  noFaceFound,
  regionState,
  resizeBox,
  toCoreRegions,
  type EditRegion,
} from './blur-regions';
import type { Box } from '../../../shared/schemas';

const detected = fromDetected({
  file: 'a.jpg',
  width: 1000,
  height: 800,
  detectMs: 1,
  regions: [
    { box: [100, 100, 80, 100], score: 0.9, origin: 'detected', matches: [] },
    { box: [300, 100, 60, 70], score: 0.3, origin: 'detected', matches: ['alice'] },
    { box: [500, 100, 40, 50], score: 0.1, origin: 'detected', matches: [] },
  ],
});
const manual: EditRegion = {
  id: 'm0',
  box: [700, 500, 50, 50],
  score: null,
  origin: 'manual',
  matches: [],
  removed: false,
  keep: null,
};
const none = new Set<string>();

describe('blur regions', () => {
  it('blurs what scores at the threshold, keeps chosen subjects, leaves removed and hidden out', () => {
    const all = [...detected, manual];
    expect(all.map((r) => regionState(r, 0.2, none))).toEqual(['blurred', 'blurred', 'hidden', 'blurred']);
    const keep = new Set(['alice']);
    expect(all.map((r) => regionState(r, 0.2, keep))).toEqual(['blurred', 'kept', 'hidden', 'blurred']);
    expect(toCoreRegions(all, 0.2, keep)).toEqual([
      { box: [100, 100, 80, 100], score: 0.9, origin: 'detected' },
      { box: [300, 100, 60, 70], score: 0.3, origin: 'kept', subjectId: 'alice' },
      { box: [700, 500, 50, 50], score: null, origin: 'manual' },
    ]);
    // Raising the threshold hides the weaker face: it is neither shown nor blurred.
    expect(toCoreRegions(all, 0.5, none).map((r) => r.box[0])).toEqual([100, 700]);
  });

  it('a removed region is left out and can be restored; the user can keep or unkeep a face', () => {
    const [a, b] = detected as [EditRegion, EditRegion];
    const removed = { ...a, removed: true };
    expect(regionState(removed, 0.2, none)).toBe('removed');
    expect(toCoreRegions([removed], 0.2, none)).toEqual([]);
    expect(toCoreRegions([{ ...removed, removed: false }], 0.2, none)).toHaveLength(1);
    expect(toCoreRegions([{ ...a, keep: true }], 0.2, none)).toEqual([
      { box: a.box, score: 0.9, origin: 'kept' },
    ]);
    // Unkept although its subject is chosen: blurred after all.
    expect(regionState({ ...b, keep: false }, 0.2, new Set(['alice']))).toBe('blurred');
    expect(countRegions([removed, b, manual], 0.2, new Set(['alice']))).toEqual({
      blurred: 1,
      manual: 1,
      kept: 1,
      removed: 1,
      hidden: 0,
    });
  });

  it('keeps boxes inside the photo when drawing, moving and resizing', () => {
    expect(boxFromPoints([50, 60], [10, 20], 100, 100)).toEqual([10, 20, 40, 40]);
    expect(boxFromPoints([90, 90], [150, -5], 100, 100)).toEqual([90, 0, 10, 90]);
    expect(moveBox([10, 10, 20, 20], 500, -500, 100, 100)).toEqual([80, 0, 20, 20]);
    expect(resizeBox([10, 10, 20, 20], 'se', 5, 7, 100, 100)).toEqual([10, 10, 25, 27]);
    expect(resizeBox([10, 10, 20, 20], 'nw', 100, 100, 100, 100)).toEqual([26, 26, 4, 4]);
    expect(resizeBox([10, 10, 20, 20], 'ne', 500, -50, 100, 100)).toEqual([10, 0, 90, 30]);
    expect(clampBox([-5, 98, 1, 1], 100, 100)).toEqual([0, 96, 4, 4]);
  });

  it('adds a region without a pointer as a square in the middle, an eighth of the shorter side', () => {
    expect(centredBox(1920, 1080)).toEqual([893, 473, 135, 135]);
    expect(centredBox(20, 10)).toEqual([8, 3, 4, 4]);
  });

  it('shows the area the core blurs: detected boxes grown by the scale, manual ones as drawn', () => {
    expect(coverageOf({ box: [100, 100, 100, 100], origin: 'detected' }, 1.5, 1000, 1000).box).toEqual([
      75, 75, 150, 150,
    ]);
    expect(coverageOf({ box: [0, 0, 100, 100], origin: 'detected' }, 2, 1000, 1000).box).toEqual([
      0, 0, 150, 150,
    ]);
    expect(coverageOf({ box: [100, 100, 100, 100], origin: 'manual' }, 2, 1000, 1000).box).toEqual([
      100, 100, 100, 100,
    ]);
  });
});

describe('coverageOf: the outline', () => {
  it('outlines the ellipse inside the photo, square on the sides where the face box meets the edge', () => {
    expect(coverageOf({ box: [100, 100, 100, 100], origin: 'detected' }, 1.5, 1000, 1000).radius).toBe(
      '50% 50% 50% 50% / 50% 50% 50% 50%',
    );
    // Cut by the left edge: grown 2× the box would start at -50; clipped, its ellipse keeps radius 100.
    expect(coverageOf({ box: [0, 100, 100, 100], origin: 'detected' }, 2, 1000, 1000).radius).toBe(
      '0 66.66666666666666% 66.66666666666666% 0 / 0 50% 50% 0',
    );
    // Cut by the top and right edges: only the bottom-left corner is round.
    expect(coverageOf({ box: [900, 0, 100, 100], origin: 'manual' }, 2, 1000, 1000).radius).toBe(
      '0 0 0 50% / 0 0 0 50%',
    );
  });
});

describe('mergeRedetected', () => {
  const region = (id: string, box: Box, origin: EditRegion['origin'] = 'detected'): EditRegion => ({
    id,
    box,
    score: origin === 'manual' ? null : 0.9,
    origin,
    matches: [],
    removed: false,
    keep: null,
  });

  it('keeps the user’s choices on faces found again, adds the new ones, and keeps hand-drawn regions', () => {
    const old = [
      { ...region('d0', [100, 100, 50, 50]), removed: true },
      { ...region('d1', [300, 100, 40, 40], 'detected'), keep: true, box: [305, 100, 40, 40] as Box },
      region('d2', [600, 600, 30, 30]),
      region('m0', [10, 10, 20, 20], 'manual'),
    ];
    const fresh = [
      region('d0', [302, 101, 40, 40]),
      region('d1', [102, 99, 50, 50]),
      region('d2', [800, 50, 14, 14]),
    ];
    const merged = mergeRedetected(old, fresh);
    expect(merged.map((r) => [r.id, r.box, r.removed, r.keep, r.origin])).toEqual([
      // matched to d1: the user's kept flag and moved box stay
      ['d1', [305, 100, 40, 40], false, true, 'detected'],
      // matched to d0: still removed
      ['d0', [100, 100, 50, 50], true, null, 'detected'],
      // new: a free id (d2 was not found again, so its id is free)
      ['d2', [800, 50, 14, 14], false, null, 'detected'],
      ['m0', [10, 10, 20, 20], false, null, 'manual'],
    ]);
    expect(new Set(merged.map((r) => r.id)).size).toBe(merged.length);
  });
});

describe('noFaceFound: a photo in which detection found no region at all', () => {
  it('says the smallest face the photo was looked at for, and which smaller one to look again at', () => {
    // Looked at for 24 px; the option now says 48: the notice names the 24 the photo was looked at
    // with, and offers the next smaller choice.
    expect(noFaceFound({ minFace: 24, regions: [] }, 48)).toEqual({ px: 24, retry: 16 });
    // The default (24): the next smaller choice is 16; from 48, it is 32 (not the smallest).
    expect(noFaceFound({ minFace: 24, regions: [] }, 24)).toEqual({ px: 24, retry: 16 });
    expect(noFaceFound({ minFace: 48, regions: [] }, 48)).toEqual({ px: 48, retry: 32 });
    // An option already chosen smaller than the photo's size is the one offered.
    expect(noFaceFound({ minFace: 48, regions: [] }, 16)).toEqual({ px: 48, retry: 16 });
    // Nothing smaller than 16 is offered, unless the option (from Settings) is smaller still.
    expect(noFaceFound({ minFace: 16, regions: [] }, 24)).toEqual({ px: 16, retry: null });
    expect(noFaceFound({ minFace: 16, regions: [] }, 16)).toEqual({ px: 16, retry: null });
    expect(noFaceFound({ minFace: 16, regions: [] }, 12)).toEqual({ px: 16, retry: 12 });
    // A size from Settings that is not a choice: the next choice under it.
    expect(noFaceFound({ minFace: 40, regions: [] }, 40)).toEqual({ px: 40, retry: 32 });
    expect(minFaceChoices(12)).toEqual([12, 16, 24, 32, 48]);
    expect(minFaceChoices(24)).toEqual([16, 24, 32, 48]);
    // A region drawn by hand: detection still found nothing.
    expect(noFaceFound({ minFace: 32, regions: [manual] }, 24)).toEqual({ px: 32, retry: 24 });
  });

  it('says nothing before detection, or once it found a region, even one under the threshold', () => {
    expect(noFaceFound({ regions: [] }, 24)).toBeNull();
    expect(noFaceFound({ minFace: 24, regions: [detected[2]!] }, 24)).toBeNull();
    expect(noFaceFound({ minFace: 24, regions: [...detected, manual] }, 24)).toBeNull();
  });
});
