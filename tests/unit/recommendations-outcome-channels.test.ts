import { outcomeChannels } from '../../bot/recommendations/recommendations-feature';

describe('where an outcome goes besides the Executive Board', () => {
  it('follows the strand a source names, and sends a review of unknown strand to both partnership groups', () => {
    expect(outcomeChannels({ kind: 'partnership-group', id: 'g', name: "Children's Partnership Group" })).toEqual(['children-partnership']);
    expect(outcomeChannels({ kind: 'review', id: 'r', ref: 'R-2', name: 'Adults: self-neglect' })).toEqual(['adults-partnership']);
    expect(outcomeChannels({ kind: 'review', id: 'r', ref: 'R-3', name: 'Transitions' })).toEqual(['children-partnership', 'adults-partnership']);
    expect(outcomeChannels({ kind: 'subgroup', id: 's', name: 'Exploitation subgroup' })).toEqual([]);
  });
});
