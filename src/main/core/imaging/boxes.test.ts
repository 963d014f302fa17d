import { describe, expect, it } from 'vitest';
import { clipBox, type Box, searchAreas } from './boxes';

const boxesOf = (...args: Parameters<typeof searchAreas>): Box[] => searchAreas(...args).map((a) => a.box);

describe('searchAreas', () => {
  const pad = (n: number) => () => n;

  it('grows each box by its pad, clamped to the image', () => {
    expect(boxesOf([[100, 100, 50, 40]], pad(10), 1000, 800)).toEqual([[90, 90, 70, 60]]);
    expect(boxesOf([[5, 760, 50, 40]], pad(10), 1000, 800)).toEqual([[0, 750, 65, 50]]);
  });

  it('merges areas that overlap, also through a chain, and keeps apart those that do not', () => {
    const areas = boxesOf(
      [
        [0, 0, 10, 10],
        [30, 0, 10, 10], // overlaps the first once padded
        [500, 500, 10, 10], // alone
        [60, 0, 10, 10], // overlaps the second: joins the same area
      ],
      pad(12),
      1000,
      1000,
    );
    expect(areas).toHaveLength(2);
    expect(areas).toContainEqual([0, 0, 82, 22]);
    expect(areas).toContainEqual([488, 488, 34, 34]);
    // Areas that only touch stay apart.
    expect(
      boxesOf(
        [
          [0, 0, 10, 10],
          [10, 0, 10, 10],
        ],
        pad(0),
        100,
        100,
      ),
    ).toHaveLength(2);
  });

  it('merges until no two overlap, even when a merge reaches an area kept earlier', () => {
    // A and B are apart, C overlaps B only; B and C merged cover A.
    const areas = boxesOf(
      [
        [20, 20, 10, 10],
        [0, 0, 40, 10],
        [0, 0, 10, 40],
      ],
      pad(0),
      1000,
      1000,
    );
    expect(areas).toEqual([[0, 0, 40, 40]]);
  });

  it('says which boxes each area was grown from', () => {
    const areas = searchAreas(
      [
        [500, 500, 10, 10],
        [0, 0, 10, 10],
        [15, 0, 10, 10],
      ],
      pad(5),
      1000,
      1000,
    );
    expect(areas.map((a) => a.members)).toEqual([[0], [1, 2]]);
  });

  it('gives nothing for no boxes, and drops a box wholly outside the image', () => {
    expect(boxesOf([], pad(10), 100, 100)).toEqual([]);
    expect(boxesOf([[200, 200, 10, 10]], pad(0), 100, 100)).toEqual([]);
  });
});

describe('clipBox', () => {
  it('cuts a box to the image, keeping at least one pixel', () => {
    expect(clipBox([1696, -10, 96, 73], 2000, 1000)).toEqual([1696, 0, 96, 63]);
    expect(clipBox([-20, 10, 50, 50], 100, 100)).toEqual([0, 10, 30, 50]);
    expect(clipBox([80, 90, 50, 50], 100, 100)).toEqual([80, 90, 20, 10]);
    expect(clipBox([10, 10, 20, 20], 100, 100)).toEqual([10, 10, 20, 20]);
    expect(clipBox([120, 10, 20, 20], 100, 100)).toEqual([99, 10, 1, 20]);
  });
});
