// The web map's label placement (web/src/labels.ts): greedy, no two labels
// overlapping, none on a marker or over the edge.
import { describe, expect, it } from 'vitest';
import { placeLabels } from '../../web/src/labels.js';

const options = { fontSize: 12, charWidth: 7, bounds: { width: 400, height: 200 } };

describe('placeLabels', () => {
  it('puts a lone label to the right of its marker', () => {
    expect(placeLabels([{ text: 'FR-PAR', x: 100, y: 100, radius: 5 }], options)).toEqual([
      { index: 0, x: 108, y: 103.6, anchor: 'start' },
    ]);
  });

  it('tries left, above and below when the right side is taken, and skips a label with no room', () => {
    const placed = placeLabels(
      [
        { text: 'AAAA', x: 100, y: 100, radius: 4 },
        // right beside the first: its right side is free, its left holds the first's marker and label…
        { text: 'BBBB', x: 104, y: 100, radius: 4 },
        // …and a third on the same spot finds only above / below
        { text: 'CCCC', x: 102, y: 100, radius: 4 },
        { text: 'DDDD', x: 102, y: 100, radius: 4 },
        { text: 'EEEE', x: 102, y: 100, radius: 4 },
      ],
      options,
    );
    const boxes = placed.map((p) => {
      const width = 4 * 7;
      const left = p.anchor === 'start' ? p.x : p.anchor === 'end' ? p.x - width : p.x - width / 2;
      return { left, right: left + width, top: p.y - 12 * 0.8, bottom: p.y + 12 * 0.2 };
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `${placed[i]!.index} and ${placed[j]!.index}`).toBe(false);
      }
    expect(placed.length).toBeLessThan(5);
    expect(placed[0]!.index).toBe(0);
  });

  it('keeps labels inside the map and leaves out markers outside it', () => {
    const placed = placeLabels(
      [
        { text: 'EDGE', x: 395, y: 100, radius: 3 },
        { text: 'GONE', x: -20, y: 100, radius: 3 },
      ],
      options,
    );
    expect(placed).toEqual([{ index: 0, x: 389, y: 103.6, anchor: 'end' }]);
  });

  it('does not cover another marker', () => {
    const placed = placeLabels(
      [
        { text: 'LONGNAME', x: 100, y: 100, radius: 3 },
        { text: 'X', x: 130, y: 100, radius: 6 },
      ],
      options,
    );
    expect(placed.find((p) => p.index === 0)!.anchor).not.toBe('start');
  });
});
