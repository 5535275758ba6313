// Where the map's markers sit on screen and which one a pointer or an arrow key
// means, as pure functions on screen points (pixels at the current zoom).

export interface Point {
  x: number;
  y: number;
}

/**
 * Moves markers apart until no two centres are closer than `minDistance`
 * (a site and the region of the same city share a point: 11 such pairs in the
 * fixtures). Pairwise pushes, repeated; coincident points part along a fixed
 * direction per index, so the layout is the same on every render. Answers new
 * points, in the input's order.
 */
export function spreadApart(points: readonly Point[], minDistance: number, rounds = 40): Point[] {
  const out = points.map((p) => ({ x: p.x, y: p.y }));
  for (let round = 0; round < rounds; round++) {
    let moved = false;
    for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!;
        const b = out[j]!;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let distance = Math.hypot(dx, dy);
        if (distance >= minDistance - 1e-6) continue;
        if (distance < 1e-6) {
          // the later marker goes down-right, turned a little per index so triples part too
          const angle = Math.PI / 4 + j * 0.7;
          dx = Math.cos(angle);
          dy = Math.sin(angle);
          distance = 1;
        }
        const push = (minDistance - Math.hypot(b.x - a.x, b.y - a.y)) / 2 / distance;
        a.x -= dx * push;
        a.y -= dy * push;
        b.x += dx * push;
        b.y += dy * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return out;
}

/**
 * The marker a pointer at `at` means: the one whose centre is nearest among
 * those whose hit radius reaches it, so a small marker next to (or on) a large
 * one is still picked at its own centre. -1 when none reaches.
 */
export function hitTest(at: Point, markers: readonly (Point & { hitRadius: number })[]): number {
  let best = -1;
  let bestDistance = Infinity;
  markers.forEach((marker, index) => {
    const distance = Math.hypot(marker.x - at.x, marker.y - at.y);
    if (distance <= marker.hitRadius && distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

const UNIT: Record<Direction, Point> = {
  left: { x: -1, y: 0 },
  right: { x: 1, y: 0 },
  up: { x: 0, y: -1 },
  down: { x: 0, y: 1 },
};

/**
 * The marker an arrow key moves to from `from`: the nearest one ahead in the
 * arrow's direction, sideways distance counting double (so → stays on about the
 * same latitude). `from` itself when nothing lies that way.
 */
export function neighbourInDirection(points: readonly Point[], from: number, direction: Direction): number {
  const origin = points[from];
  if (!origin) return from;
  const unit = UNIT[direction];
  let best = from;
  let bestScore = Infinity;
  points.forEach((point, index) => {
    if (index === from) return;
    const dx = point.x - origin.x;
    const dy = point.y - origin.y;
    const ahead = dx * unit.x + dy * unit.y;
    if (ahead <= 0.5) return;
    const sideways = Math.abs(dx * unit.y - dy * unit.x);
    const score = ahead + 2 * sideways;
    if (score < bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}
