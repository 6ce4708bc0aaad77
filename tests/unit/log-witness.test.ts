import { sealMessage } from '../../bot/log-seal';
import { AuditLog } from '../../services/log/audit-log';
import { LogSeal, LogWitness } from '../../services/log/witness';
import type { Actor } from '../../services/directory/roles';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = 'tenant-witness';
const PATTI: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };

describe('LogWitness', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let log: AuditLog;
  let posted: LogSeal[];
  let reachable: boolean;
  const witness = () => new LogWitness(store, log, clock, async (seal) => (reachable ? (posted.push(seal), 1) : 0));

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    clock = new TestClock('2026-03-02T10:00:00Z');
    log = new AuditLog(store, clock);
    posted = [];
    reachable = true;
    for (let i = 1; i <= 3; i++) await log.append(PATTI, TENANT, { action: 'test.changed', entity: { type: 'test', id: `T-${i}` } });
  });
  afterEach(() => dispose());

  it('posts the head once a day, however many instances ask', async () => {
    const [head] = await log.recent(TENANT, 1);
    const results = await Promise.all([witness().witnessIfDue(TENANT), witness().witnessIfDue(TENANT), witness().witnessIfDue(TENANT)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(posted).toEqual([{ tenantId: TENANT, day: '2026-03-02', entries: 3, headHash: head.hash, intact: true }]);
    clock.advance(6 * 3600_000);
    expect(await witness().witnessIfDue(TENANT)).toBeUndefined();
    clock.advance(18 * 3600_000);
    await log.append(PATTI, TENANT, { action: 'test.changed', entity: { type: 'test', id: 'T-4' } });
    expect(await witness().witnessIfDue(TENANT)).toMatchObject({ day: '2026-03-03', entries: 4 });
    expect(posted).toHaveLength(2);
  });

  it('tries again after a failed post, once the claim has timed out', async () => {
    reachable = false;
    expect(await witness().witnessIfDue(TENANT)).toBeUndefined();
    reachable = true;
    clock.advance(60_000);
    expect(await witness().witnessIfDue(TENANT)).toBeUndefined();
    clock.advance(15 * 60_000);
    expect(await witness().witnessIfDue(TENANT)).toMatchObject({ entries: 3, intact: true });
    expect(posted).toHaveLength(1);
  });

  it('says so on the seal when the chain does not verify', async () => {
    const [second] = await store.query<{ id: string; seq: number; after?: string }>('log', { partitionKey: TENANT, where: [{ field: 'seq', op: '=', value: 2 }] });
    await store.replace('log', { ...second, after: 'edited' }, (second as unknown as { _etag: string })._etag);
    expect(await witness().witnessIfDue(TENANT)).toMatchObject({ intact: false, problem: expect.stringContaining('broken at entry 2') });
  });

  it('renders a seal card naming the day, the entry count and the head hash', async () => {
    await witness().witnessIfDue(TENANT);
    const text = JSON.stringify(sealMessage(posted[0]).card);
    expect(text).toContain('Log seal for 2026-03-02: 3 entries');
    expect(text).toContain(posted[0].headHash);
  });
});
