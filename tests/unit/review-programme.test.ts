import { parseConfig } from '../../services/config';
import type { Person } from '../../services/directory/directory';
import { stageDates, reviewEndDate } from '../../services/reviews/dates';
import { programmeView } from '../../services/reviews/programme';
import type { Review, Strand } from '../../services/reviews/review';

const T = 'tenant-programme';
const partner = (n: number, organisation: string): Person => ({
  id: `00000000-0000-0000-0000-00000000000${n}`,
  tenantId: T,
  aadObjectId: `00000000-0000-0000-0000-00000000000${n}`,
  name: `Partner ${n}`,
  roles: ['partner'],
  organisation,
  updatedAt: '2026-01-01T00:00:00Z',
});

const review = (ref: string, strand: Strand, startDate: string, sponsor: Person, status: Review['status'] = 'active'): Review => ({
  id: `rv-${ref}`,
  tenantId: T,
  ref,
  theme: `Theme ${ref}`,
  strand,
  sponsor: { aadObjectId: sponsor.aadObjectId, name: sponsor.name, organisation: sponsor.organisation },
  startDate,
  endDate: reviewEndDate(startDate),
  stages: stageDates(startDate),
  learningEventPlanned: reviewEndDate(startDate),
  recommendations: [],
  status,
  impactChecks: [],
  reminderConversations: [],
  formId: `form-${ref}`,
  version: 1,
  createdBy: { aadObjectId: sponsor.aadObjectId, name: sponsor.name },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('the yearly programme (pure rules)', () => {
  const police = partner(1, 'Warwickshire Police');
  const council = partner(2, 'Warwickshire County Council');
  const reviews = [review('R-1', 'children', '2026-01-05', police), review('R-2', 'combined', '2026-06-01', council), review('R-3', 'adults', '2026-02-01', council, 'cancelled')];

  it('measures the year against the counts it is given, not a constant', () => {
    const planned = programmeView(2026, reviews, [police, council], { children: 1, adults: 0, combined: 1 });
    expect(planned.counts).toEqual({ children: 1, adults: 0, combined: 1 });
    expect(planned.expected).toEqual({ children: 1, adults: 0, combined: 1 });
    expect(planned.warnings.filter((w) => / where the arrangements plan \d+\.$/.test(w))).toEqual([]);

    const usual = programmeView(2026, reviews, [police, council], parseConfig({}).domain.reviewProgramme);
    expect(usual.expected).toEqual({ children: 2, adults: 2, combined: 1 });
    expect(usual.warnings.filter((w) => / where the arrangements plan \d+\.$/.test(w))).toEqual(['Children: 1 review where the arrangements plan 2.', 'Adults: 0 reviews where the arrangements plan 2.']);
  });

  it('takes the counts from REVIEW_PROGRAMME_* and refuses values out of range, naming the setting', () => {
    expect(parseConfig({ REVIEW_PROGRAMME_CHILDREN: '3', REVIEW_PROGRAMME_ADULTS: '1', REVIEW_PROGRAMME_COMBINED: '0' }).domain.reviewProgramme).toEqual({ children: 3, adults: 1, combined: 0 });
    expect(() => parseConfig({ REVIEW_PROGRAMME_ADULTS: '-1' })).toThrow(/REVIEW_PROGRAMME_ADULTS/);
  });

  it('leaves out cancelled reviews and other years, and names partners sponsoring none or several', () => {
    const view = programmeView(2026, [...reviews, review('R-4', 'adults', '2026-03-01', council), review('R-5', 'children', '2025-03-01', police)], [police, council], { children: 1, adults: 1, combined: 1 });
    expect(view.reviews.map((r) => r.ref)).toEqual(['R-1', 'R-4', 'R-2']);
    expect(view.partners).toEqual([
      { organisation: 'Warwickshire County Council', people: ['Partner 2'], sponsoring: ['R-4', 'R-2'] },
      { organisation: 'Warwickshire Police', people: ['Partner 1'], sponsoring: ['R-1'] },
    ]);
    expect(view.warnings).toContain('Warwickshire County Council sponsors 2 reviews (R-4, R-2) where the arrangements plan one each.');
  });
});
