import { outcomeChannels } from '../../services/recommendations/recommendation-records';

describe('where an outcome goes besides the Executive Board', () => {
  const purposes = (...args: Parameters<typeof outcomeChannels>) => outcomeChannels(...args).purposes;
  it('follows the strand a source names, and sends a review of unknown strand to both partnership groups', () => {
    expect(purposes({ kind: 'partnership-group', id: 'g', name: "Children's Partnership Group" })).toEqual(['children-partnership']);
    expect(purposes({ kind: 'review', id: 'r', ref: 'R-2', name: 'Adults: self-neglect' })).toEqual(['adults-partnership']);
    expect(purposes({ kind: 'review', id: 'r', ref: 'R-3', name: 'Transitions' })).toEqual(['children-partnership', 'adults-partnership']);
    expect(purposes({ kind: 'subgroup', id: 's', name: 'Exploitation subgroup' })).toEqual([]);
  });

  it('sends a review\'s outcome to its reminder channels, else by its strand', () => {
    const review = { kind: 'review' as const, id: 'review-1', ref: 'R-1', name: 'Neglect' };
    expect(outcomeChannels(review, { strand: 'children', reminderConversations: ['hub-key'] })).toEqual({ purposes: [], conversations: ['hub-key'] });
    expect(outcomeChannels(review, { strand: 'adults', reminderConversations: [] })).toEqual({ purposes: ['adults-partnership'], conversations: [] });
    expect(outcomeChannels(review, { strand: 'combined' })).toEqual({ purposes: ['children-partnership', 'adults-partnership'], conversations: [] });
  });
});
