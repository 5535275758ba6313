// The web map's marker geometry (web/src/markers.ts): spreading coincident
// markers, the pointer's hit test and the arrow keys' neighbour.
import { describe, expect, it } from 'vitest';
import { hitTest, neighbourInDirection, spreadApart } from '../../web/src/markers.js';

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe('spreadApart', () => {
  it('parts coincident and close points to the minimum distance, the same way every time', () => {
    const points = [
      { x: 100, y: 100 },
      { x: 100, y: 100 },
      { x: 103, y: 101 },
      { x: 300, y: 40 },
    ];
    const spread = spreadApart(points, 14);
    for (let i = 0; i < spread.length; i++)
      for (let j = i + 1; j < spread.length; j++)
        expect(distance(spread[i]!, spread[j]!), `${i}-${j}`).toBeGreaterThanOrEqual(14 - 0.01);
    expect(spreadApart(points, 14)).toEqual(spread);
    // a point with room is left where it is, and the input is not changed
    expect(spread[3]).toEqual({ x: 300, y: 40 });
    expect(points[1]).toEqual({ x: 100, y: 100 });
  });

  it('moves points no further than needed', () => {
    const spread = spreadApart(
      [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
      14,
    );
    expect(spread).toEqual([
      { x: -2, y: 0 },
      { x: 12, y: 0 },
    ]);
  });
});

describe('hitTest', () => {
  const big = { x: 0, y: 0, hitRadius: 16 };
  const small = { x: 10, y: 0, hitRadius: 12 };

  it('picks the marker whose centre is nearest, so a small one on a big one is reached at its centre', () => {
    expect(hitTest({ x: 10, y: 0 }, [big, small])).toBe(1);
    expect(hitTest({ x: 10, y: 0 }, [small, big])).toBe(0);
    expect(hitTest({ x: 1, y: 0 }, [big, small])).toBe(0);
  });

  it('answers -1 outside every hit radius', () => {
    expect(hitTest({ x: 40, y: 0 }, [big, small])).toBe(-1);
    expect(hitTest({ x: 21, y: 0 }, [big, small])).toBe(1);
  });
});

describe('neighbourInDirection', () => {
  //   0 . 1
  //   . 2 .
  //   3 . 4
  const grid = [
    { x: 0, y: 0 },
    { x: 20, y: 0 },
    { x: 10, y: 10 },
    { x: 0, y: 20 },
    { x: 20, y: 20 },
  ];

  it('moves to the nearest marker ahead, sideways distance counting double', () => {
    expect(neighbourInDirection(grid, 0, 'right')).toBe(1);
    expect(neighbourInDirection(grid, 3, 'right')).toBe(4);
    expect(neighbourInDirection(grid, 0, 'down')).toBe(3);
    // off the row only when nothing lies on it: from 1, down goes to 4 before the nearer 2
    expect(neighbourInDirection(grid, 1, 'down')).toBe(4);
    expect(neighbourInDirection(grid, 2, 'up')).toBe(0);
    expect(neighbourInDirection(grid, 2, 'down')).toBe(3);
    // on the same row, a far marker beats a near one off to the side
    const row = [
      { x: 0, y: 0 },
      { x: 8, y: 10 },
      { x: 25, y: 0 },
    ];
    expect(neighbourInDirection(row, 0, 'right')).toBe(2);
  });

  it('stays put when nothing lies that way', () => {
    expect(neighbourInDirection(grid, 1, 'right')).toBe(1);
    expect(neighbourInDirection(grid, 0, 'up')).toBe(0);
    expect(neighbourInDirection([], 0, 'left')).toBe(0);
  });
});
