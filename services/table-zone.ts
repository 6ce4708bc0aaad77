import { FixedOffsetZone, IANAZone, Zone, ZoneOffsetFormat, ZoneOffsetOptions } from 'luxon';
import table from './zone-transitions.json';

/**
 * A luxon zone whose offsets come from services/zone-transitions.json (written from the tz data
 * by `npm run zones`; scripts/zone-transitions.ts says why) rather than from Intl. Instants outside
 * the table's years, and offset names ("British Summer Time"), are asked of the IANA zone.
 */
export class TableZone extends Zone<true> {
  /** First UTC millisecond of each period, ascending, and the period's offset in minutes. */
  private readonly starts: number[];
  private readonly offsets: number[];
  private iana?: IANAZone;

  constructor(
    private readonly zoneName: string,
    periods: ReadonlyArray<readonly [number, number]>,
    private readonly until: number,
  ) {
    super();
    this.starts = periods.map((p) => p[0]);
    this.offsets = periods.map((p) => p[1]);
  }

  get type(): string {
    return 'table';
  }

  get name(): string {
    return this.zoneName;
  }

  get isUniversal(): boolean {
    return false;
  }

  get isValid(): true {
    return true;
  }

  /** The offset in minutes at a UTC millisecond. */
  offset(ts: number): number {
    const starts = this.starts;
    if (!(ts >= starts[0] && ts < this.until)) return this.ianaZone().offset(ts);
    // The last period starting at or before ts.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= ts) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[lo];
  }

  offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.ianaZone().offsetName(ts, options) ?? '';
  }

  formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return FixedOffsetZone.instance(this.offset(ts)).formatOffset(ts, format);
  }

  equals(other: Zone): boolean {
    return other instanceof TableZone && other.name === this.name;
  }

  private ianaZone(): IANAZone {
    return (this.iana ??= IANAZone.create(this.zoneName));
  }
}

const TABLE_ZONES = new Map<string, TableZone>(Object.entries(table.zones).map(([name, periods]) => [name, new TableZone(name, periods as Array<[number, number]>, table.until)]));

/**
 * The luxon zone for an IANA name: the table's, for a zone it carries, else luxon's IANA zone
 * (Intl); undefined for a name that is no zone at all.
 */
export function zoneNamed(name: string): Zone | undefined {
  const tabled = TABLE_ZONES.get(name);
  if (tabled) return tabled;
  return IANAZone.isValidZone(name) ? IANAZone.create(name) : undefined;
}
