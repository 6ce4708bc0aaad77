import type { Person } from '../directory/directory';
import { formatDate } from '../time';
import { overlaps } from './dates';
import { Review, STRAND_LABELS, STRANDS, Strand } from './review';

/** How many reviews of each strand the arrangements plan a year (REVIEW_PROGRAMME_*; 2 + 2 + 1 by default). */
export type ProgrammeCounts = Record<Strand, number>;

export interface ProgrammeView {
  year: number;
  reviews: Review[];
  counts: Record<Strand, number>;
  expected: Record<Strand, number>;
  partners: { organisation: string; people: string[]; sponsoring: string[] }[];
  overlaps: { a: string; b: string; from: string; to: string }[];
  warnings: string[];
}

/**
 * The year's programme against the arrangements (pure): reviews starting that year by strand
 * against the planned counts, partner organisations against the reviews they sponsor, and
 * reviews that run at the same time. Departures are plain warnings; nothing here refuses anything.
 */
export function programmeView(year: number, all: Review[], partners: Person[], expected: ProgrammeCounts): ProgrammeView {
  const reviews = all
    .filter((r) => r.status !== 'cancelled' && r.startDate.startsWith(`${year}-`))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.ref.localeCompare(b.ref));
  const counts: Record<Strand, number> = { children: 0, adults: 0, combined: 0 };
  for (const r of reviews) counts[r.strand] += 1;
  const warnings: string[] = [];
  for (const strand of STRANDS) {
    if (counts[strand] !== expected[strand])
      warnings.push(`${STRAND_LABELS[strand]}: ${counts[strand]} review${counts[strand] === 1 ? '' : 's'} where the arrangements plan ${expected[strand]}.`);
  }
  const byOrg = new Map<string, { organisation: string; people: string[]; ids: Set<string>; sponsoring: string[] }>();
  for (const p of partners) {
    const org = p.organisation ?? p.name;
    const entry = byOrg.get(org) ?? { organisation: org, people: [], ids: new Set<string>(), sponsoring: [] };
    entry.people.push(p.name);
    entry.ids.add(p.aadObjectId);
    byOrg.set(org, entry);
  }
  for (const r of reviews) {
    const entry = [...byOrg.values()].find((e) => e.ids.has(r.sponsor.aadObjectId) || (r.sponsor.organisation && e.organisation === r.sponsor.organisation));
    if (entry) entry.sponsoring.push(r.ref);
    else warnings.push(`${r.ref} (${r.theme}) is sponsored by ${r.sponsor.name}, who is no longer an Executive Board partner.`);
  }
  const organisations = [...byOrg.values()].sort((a, b) => a.organisation.localeCompare(b.organisation));
  for (const p of organisations) {
    if (p.sponsoring.length === 0) warnings.push(`${p.organisation} sponsors no review in ${year}.`);
    else if (p.sponsoring.length > 1) warnings.push(`${p.organisation} sponsors ${p.sponsoring.length} reviews (${p.sponsoring.join(', ')}) where the arrangements plan one each.`);
  }
  const overlapping: ProgrammeView['overlaps'] = [];
  for (let i = 0; i < reviews.length; i++)
    for (let j = i + 1; j < reviews.length; j++) {
      const a = reviews[i];
      const b = reviews[j];
      if (!overlaps({ start: a.startDate, end: a.endDate }, { start: b.startDate, end: b.endDate })) continue;
      const from = a.startDate > b.startDate ? a.startDate : b.startDate;
      const to = a.endDate < b.endDate ? a.endDate : b.endDate;
      overlapping.push({ a: a.ref, b: b.ref, from, to });
      if (a.sponsor.aadObjectId === b.sponsor.aadObjectId)
        warnings.push(`${a.sponsor.name} sponsors ${a.ref} and ${b.ref}, which run at the same time (${formatDate(from)} to ${formatDate(to)}).`);
    }
  return {
    year,
    reviews,
    counts,
    expected: { ...expected },
    partners: organisations.map(({ organisation, people, sponsoring }) => ({ organisation, people, sponsoring })),
    overlaps: overlapping,
    warnings,
  };
}
