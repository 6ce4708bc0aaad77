/**
 * `npm run zones` writes services/zone-transitions.json: every change of UTC offset of the
 * partnership's time zone from 1970 to 2100, as the installed Node.js's time-zone data (Intl,
 * through luxon's IANAZone) has them. The bot reads its local times from that table
 * (services/table-zone.ts) rather than asking Intl: the first Intl date-time format a process
 * makes pages in about 5 MB of ICU's code and data from the node binary, which then stay
 * resident, for a zone whose rules are a few hundred instants. tests/unit/zone-transitions-table.test.ts
 * fails when the committed table differs from what the installed Node.js says, so a Node.js
 * upgrade whose time-zone data moves a change is noticed and the table rewritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IANAZone } from 'luxon';
import { ROOT } from './root';

/** The zones the table carries; any other zone is asked of Intl. */
export const ZONES = ['Europe/London'];
/** The instants the table covers: from 1970-01-01T00:00Z up to (not including) 2100-01-01T00:00Z. */
export const FROM = Date.UTC(1970, 0, 1);
export const UNTIL = Date.UTC(2100, 0, 1);
/** Offsets are sampled this far apart, then each change found is narrowed to its millisecond (no zone changes twice within six hours). */
const STEP = 6 * 3_600_000;

export interface ZoneTransitionTable {
  source: string;
  from: number;
  until: number;
  /** Zone → [first UTC millisecond, offset in minutes] of each period, in order; the first starts at `from`. */
  zones: Record<string, Array<[number, number]>>;
}

/** Every period of one zone's offset within [FROM, UNTIL). */
export function transitionsOf(zone: string): Array<[number, number]> {
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new Error(`Unknown time zone: ${zone}`);
  // `before` is the offset at t, carried from the previous step's end rather than asked again.
  let before = iana.offset(FROM);
  const periods: Array<[number, number]> = [[FROM, before]];
  for (let t = FROM; t < UNTIL; t += STEP) {
    const next = Math.min(t + STEP, UNTIL - 1);
    const after = iana.offset(next);
    if (after === before) continue;
    // The first millisecond in (t, next] whose offset is no longer `before`.
    let lo = t;
    let hi = next;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (iana.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    periods.push([hi, iana.offset(hi)]);
    before = after;
  }
  return periods;
}

export function zoneTransitionTable(): ZoneTransitionTable {
  const luxon = (JSON.parse(fs.readFileSync(require.resolve('luxon/package.json'), 'utf8')) as { version: string }).version;
  return {
    source: `Node.js ${process.version} time-zone data ${process.versions.tz ?? 'unknown'} (Intl), read through luxon ${luxon}'s IANAZone`,
    from: FROM,
    until: UNTIL,
    zones: Object.fromEntries(ZONES.map((zone) => [zone, transitionsOf(zone)])),
  };
}

export const TABLE_PATH = path.join(ROOT, 'services', 'zone-transitions.json');

if (require.main === module) {
  const table = zoneTransitionTable();
  // One period per line: a diff of the table after an upgrade shows which changes moved.
  const zones = Object.entries(table.zones).map(([zone, periods]) => `  ${JSON.stringify(zone)}: [\n${periods.map((p) => `   ${JSON.stringify(p)}`).join(',\n')}\n  ]`);
  const text = `{\n "source": ${JSON.stringify(table.source)},\n "from": ${table.from},\n "until": ${table.until},\n "zones": {\n${zones.join(',\n')}\n }\n}\n`;
  fs.writeFileSync(TABLE_PATH, text);
  process.stdout.write(`wrote ${TABLE_PATH}\n`);
}
