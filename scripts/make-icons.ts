/**
 * Draws the Teams app icons (a shield with a tick) and writes them to manifest/:
 * color.png (192×192, full colour) and outline.png (32×32, white on transparent).
 * Run after changing the design: `npm run build && node dist/scripts/make-icons.js`.
 * The PNGs are committed, so packaging never needs this script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RgbaImage, encodePng } from './png';

/** The accent colour, also the manifest's accentColor. */
export const ACCENT = { r: 0x0b, g: 0x6a, b: 0x7a };

type Shape = (u: number, v: number) => boolean;

/** A shield in the unit square: straight top and sides, then curving to a point. */
function shield(top: number, halfWidth: number, shoulder: number, point: number): Shape {
  return (u, v) => {
    if (v < top || v > point) return false;
    const t = v <= shoulder ? 0 : (v - shoulder) / (point - shoulder);
    return Math.abs(u - 0.5) <= halfWidth * (1 - t * t);
  };
}

function distanceToSegment(u: number, v: number, [ax, ay]: number[], [bx, by]: number[]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(u - (ax + t * dx), v - (ay + t * dy));
}

function tick(thickness: number): Shape {
  const points = [
    [0.35, 0.5],
    [0.46, 0.61],
    [0.66, 0.37],
  ];
  return (u, v) => distanceToSegment(u, v, points[0], points[1]) <= thickness / 2 || distanceToSegment(u, v, points[1], points[2]) <= thickness / 2;
}

/** Fraction of a pixel a shape covers, from 4×4 samples (anti-aliased edges). */
function coverage(shape: Shape, x: number, y: number, size: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (shape((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size)) hits++;
  return hits / 16;
}

export function drawColorIcon(size = 192): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const body = shield(0.16, 0.3, 0.5, 0.88);
  const mark = tick(0.075);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const white = coverage(body, x, y, size) * (1 - coverage(mark, x, y, size));
      const i = (y * size + x) * 4;
      data[i] = Math.round(ACCENT.r + (255 - ACCENT.r) * white);
      data[i + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * white);
      data[i + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * white);
      data[i + 3] = 255;
    }
  return { width: size, height: size, data };
}

export function drawOutlineIcon(size = 32): RgbaImage {
  const data = new Uint8Array(size * size * 4).fill(255);
  const outer = shield(0.06, 0.4, 0.45, 0.96);
  const inner = shield(0.06 + 0.085, 0.4 - 0.085, 0.45, 0.96 - 0.13);
  const mark = tick(0.1);
  const ring: Shape = (u, v) => (outer(u, v) && !inner(u, v)) || mark(u, v);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) data[(y * size + x) * 4 + 3] = Math.round(255 * coverage(ring, x, y, size));
  return { width: size, height: size, data };
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', 'manifest');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'color.png'), encodePng(drawColorIcon()));
  fs.writeFileSync(path.join(dir, 'outline.png'), encodePng(drawOutlineIcon()));
  process.stdout.write(`icons written to ${dir}\n`);
}
