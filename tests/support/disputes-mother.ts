import type { Actor } from '../../services/directory/roles';
import type { Dispute } from '../../services/disputes/dispute';

/** Test data for the dispute rules: a board with a chair, two partner organisations and others. */
export const T = 't';
export const chair: Actor = { tenantId: T, aadObjectId: 'chair', name: 'Chair', roles: ['chair'] };
export const megan: Actor = { tenantId: T, aadObjectId: 'megan', name: 'Megan', roles: ['partner'], organisation: 'NHS' };
export const isaiah: Actor = { tenantId: T, aadObjectId: 'isaiah', name: 'Isaiah', roles: ['partner'], organisation: 'Police' };
export const otherPolice: Actor = { tenantId: T, aadObjectId: 'pc2', name: 'Second Police partner', roles: ['partner'], organisation: 'Police' };
export const patti: Actor = { tenantId: T, aadObjectId: 'patti', name: 'Patti', roles: ['business'] };
export const lynne: Actor = { tenantId: T, aadObjectId: 'lynne', name: 'Lynne', roles: ['lay'] };

/** A dispute determined on 10 March 2026 between Megan and the Police, deadline 7 April. */
export const aDispute = (): Dispute => ({
  id: 'd-00000000',
  tenantId: T,
  ref: 'D-1',
  subject: 'S',
  notes: '',
  parties: [
    { key: 'p:megan', kind: 'person', name: 'Megan', people: [{ aadObjectId: 'megan', name: 'Megan' }] },
    { key: 'o:Police', kind: 'organisation', name: 'Police', people: [{ aadObjectId: 'isaiah', name: 'Isaiah' }] },
  ],
  determinedOn: '2026-03-10',
  deadline: '2026-04-07',
  status: 'determined',
  version: 1,
  agreements: {},
  breached: false,
  raisedBy: { aadObjectId: 'patti', name: 'Patti' },
  createdAt: '',
  updatedAt: '',
});

export { domainRefusal as refusalOf } from './domain-refusal';
