// The map's text labels: greedy placement that skips a label whose box would
// overlap another label, a marker or the map's edge. Pure, on screen pixels;
// the map calls it again after every zoom.

export interface LabelCandidate {
  text: string;
  /** marker centre and radius in screen pixels */
  x: number;
  y: number;
  radius: number;
}

export interface PlacedLabel {
  index: number;
  /** text anchor: start at (x, y) with the baseline at y */
  x: number;
  y: number;
  anchor: 'start' | 'end' | 'middle';
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Places the candidates' labels in the order given (put the most important
 * first), each at the first of right / left / above / below its marker that
 * collides with nothing placed so far, no marker and stays inside `bounds`.
 * The width of a label is estimated from its length (`charWidth` per character),
 * which is what a greedy pass needs; the font is a fixed-size sans.
 */
export function placeLabels(
  candidates: readonly LabelCandidate[],
  options: { fontSize: number; charWidth: number; bounds: { width: number; height: number } },
): PlacedLabel[] {
  const { fontSize, charWidth, bounds } = options;
  const markers: Box[] = candidates.map((c) => ({
    left: c.x - c.radius,
    top: c.y - c.radius,
    right: c.x + c.radius,
    bottom: c.y + c.radius,
  }));
  const taken: Box[] = [];
  const placed: PlacedLabel[] = [];
  candidates.forEach((c, index) => {
    if (c.x < 0 || c.y < 0 || c.x > bounds.width || c.y > bounds.height) return;
    const width = c.text.length * charWidth;
    const gap = c.radius + 3;
    const baseline = (top: number) => top + fontSize * 0.8;
    const options: (Box & { label: Omit<PlacedLabel, 'index'> })[] = [
      { left: c.x + gap, top: c.y - fontSize / 2, anchor: 'start' as const, tx: c.x + gap },
      { left: c.x - gap - width, top: c.y - fontSize / 2, anchor: 'end' as const, tx: c.x - gap },
      { left: c.x - width / 2, top: c.y - gap - fontSize, anchor: 'middle' as const, tx: c.x },
      { left: c.x - width / 2, top: c.y + gap, anchor: 'middle' as const, tx: c.x },
    ].map((o) => ({
      left: o.left,
      top: o.top,
      right: o.left + width,
      bottom: o.top + fontSize,
      label: { x: o.tx, y: baseline(o.top), anchor: o.anchor },
    }));
    const free = options.find(
      (box) =>
        box.left >= 0 &&
        box.top >= 0 &&
        box.right <= bounds.width &&
        box.bottom <= bounds.height &&
        !taken.some((t) => overlaps(t, box)) &&
        !markers.some((m, i) => i !== index && overlaps(m, box)),
    );
    if (!free) return;
    taken.push(free);
    placed.push({ index, ...free.label });
  });
  return placed;
}
