import { createHash } from 'node:crypto';
import { AuditLog, GENESIS_HASH, LogEntry, UNCONFIGURED_SEAL_KEY, csvCell, hashEntry } from '../../services/log/audit-log';
import type { Actor } from '../../services/directory/roles';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import type { Stored } from '../../services/store/port';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = 'tenant-log';
const PATTI: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };

describe('AuditLog', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let log: AuditLog;

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    clock = new TestClock('2026-03-02T10:00:00Z');
    log = new AuditLog(store, clock);
  });
  afterEach(() => dispose());

  const appendN = async (n: number, tenantId = TENANT): Promise<LogEntry[]> => {
    const entries: LogEntry[] = [];
    for (let i = 1; i <= n; i++) {
      entries.push(await log.append({ ...PATTI, tenantId }, tenantId, { action: 'test.changed', entity: { type: 'test', id: `T-${i}` }, before: `v${i - 1}`, after: `v${i}` }));
      clock.advance(60_000);
    }
    return entries;
  };
  const raw = async (seq: number): Promise<Stored<LogEntry>> => (await store.read<LogEntry>('log', TENANT, `e-${String(seq).padStart(12, '0')}`))!;

  describe('append', () => {
    it('records who, what, when, which entity and the change, linked to the previous entry', async () => {
      const [first, second] = await appendN(2);
      expect(first).toMatchObject({
        tenantId: TENANT,
        seq: 1,
        at: '2026-03-02T10:00:00.000Z',
        actor: { aadObjectId: PATTI.aadObjectId, name: 'Patti Fernandez', roles: ['business'] },
        action: 'test.changed',
        entity: { type: 'test', id: 'T-1' },
        before: 'v0',
        after: 'v1',
        prevHash: GENESIS_HASH,
      });
      expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
      const { hash, ...body } = first;
      expect(hashEntry(body, UNCONFIGURED_SEAL_KEY)).toBe(hash);
      expect(second.seq).toBe(2);
      expect(second.at).toBe('2026-03-02T10:01:00.000Z');
      expect(second.prevHash).toBe(first.hash);
    });

    it('keeps one chain per tenant', async () => {
      await appendN(3);
      const [other] = await appendN(1, 'tenant-other');
      expect(other.seq).toBe(1);
      expect(other.prevHash).toBe(GENESIS_HASH);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 3 });
      expect(await log.verify('tenant-other')).toEqual({ ok: true, entries: 1 });
    });

    it('never rewrites an earlier entry when appending', async () => {
      await appendN(2);
      const before = await raw(1);
      await appendN(3);
      expect(await raw(1)).toEqual(before);
    });

    it('carries on the chain after a restart (a new instance reads the head from the store)', async () => {
      const [, second] = await appendN(2);
      const next = await new AuditLog(store, clock).append(PATTI, TENANT, { action: 'test.after-restart', entity: { type: 'test', id: 'T-3' } });
      expect(next.seq).toBe(3);
      expect(next.prevHash).toBe(second.hash);
    });

    it('keeps the order of concurrent appends from one instance', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(PATTI, TENANT, { action: 'test.parallel', entity: { type: 'test', id: `P-${i}` } })));
      const entries: LogEntry[] = [];
      for await (const e of log.all(TENANT)) entries.push(e);
      expect(entries.map((e) => e.entity.id)).toEqual(Array.from({ length: 10 }, (_, i) => `P-${i}`));
      expect((await log.verify(TENANT)).ok).toBe(true);
    });
  });

  describe('reading', () => {
    it('lists the newest first, limited, optionally for one entity', async () => {
      await appendN(5);
      expect((await log.recent(TENANT, 3)).map((e) => e.seq)).toEqual([5, 4, 3]);
      expect((await log.recent(TENANT, 10, { entityId: 'T-2' })).map((e) => e.seq)).toEqual([2]);
    });

    it('pages through every entry in chain order without the store\'s fields', async () => {
      await appendN(7);
      const entries: LogEntry[] = [];
      for await (const e of log.all(TENANT, 3)) entries.push(e);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(entries.every((e) => !('_etag' in e))).toBe(true);
    });
  });

  describe('verify', () => {
    it('passes an intact chain, and an empty one', async () => {
      await appendN(5);
      expect(await log.verify(TENANT)).toEqual({ ok: true, entries: 5 });
      expect(await log.verify('tenant-empty')).toEqual({ ok: true, entries: 0 });
    });

    it('names an entry altered in the store', async () => {
      await appendN(5);
      const third = await raw(3);
      await store.replace('log', { ...third, after: 'something else' }, third._etag);
      expect(await log.verify(TENANT)).toEqual({ ok: false, entries: 3, brokenAt: 3, reason: 'entry 3 was altered after it was written, or sealed with another key' });
    });

    it('names an entry whose actor was altered', async () => {
      await appendN(4);
      const second = await raw(2);
      await store.replace('log', { ...second, actor: { ...second.actor, roles: ['chair'] } }, second._etag);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 2 });
    });

    it('names the missing tail when the newest entries are deleted (the chain that is left still links up)', async () => {
      await appendN(5);
      await store.delete('log', TENANT, (await raw(5)).id);
      await store.delete('log', TENANT, (await raw(4)).id);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('entries 4 to 5 are missing') });
    });

    it('names the newest entry when it was replaced by a re-hashed forgery', async () => {
      await appendN(3);
      const last = await raw(3);
      const forged = { ...last, after: 'forged' };
      const { hash: _old, _etag, ...body } = forged;
      void _old;
      await store.replace('log', { ...body, hash: hashEntry(body, UNCONFIGURED_SEAL_KEY) }, _etag);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 3 });
    });

    it('names an entry deleted from the store', async () => {
      await appendN(5);
      await store.delete('log', TENANT, (await raw(3)).id);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 3, reason: 'entry 3 is missing' });
    });

    it('names the entry after an altered one whose hash was recomputed (the link breaks)', async () => {
      await appendN(5);
      const third = await raw(3);
      const { hash: _old, _etag, ...body } = third;
      void _old;
      const forged = { ...body, after: 'forged' };
      await store.replace('log', { ...forged, hash: hashEntry(forged, UNCONFIGURED_SEAL_KEY) }, _etag);
      expect(await log.verify(TENANT)).toEqual({ ok: false, entries: 4, brokenAt: 4, reason: 'entry 4 does not link to entry 3' });
    });

    it('names the gap when an entry is removed and the next one re-linked over it', async () => {
      await appendN(5);
      const second = await raw(2);
      await store.delete('log', TENANT, (await raw(3)).id);
      const fourth = await raw(4);
      const { hash: _old, _etag, ...body } = fourth;
      void _old;
      const relinked = { ...body, prevHash: second.hash };
      await store.replace('log', { ...relinked, hash: hashEntry(relinked, UNCONFIGURED_SEAL_KEY) }, _etag);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 3, reason: 'entry 3 is missing' });
    });

    it('seals with the key: the same entry under another key has another hash', async () => {
      const [first] = await appendN(1);
      const { hash, ...body } = first;
      expect(hashEntry(body, 'another-key-of-at-least-thirty-two-chars')).not.toBe(hash);
      expect(await new AuditLog(store, clock, 'another-key-of-at-least-thirty-two-chars').verify(TENANT)).toEqual({
        ok: false,
        entries: 1,
        brokenAt: 1,
        reason: 'entry 1 was altered after it was written, or sealed with another key',
      });
    });

    it('names the first entry when someone with database access but not the key rewrites the whole chain and its head record', async () => {
      await appendN(4);
      // Rewrite every entry, re-chained with plain SHA-256 (all that is possible without the key), and move the head record to match.
      let prevHash = GENESIS_HASH;
      for (let seq = 1; seq <= 4; seq++) {
        const { hash: _old, _etag, ...body } = await raw(seq);
        void _old;
        const forged = { ...body, after: `forged-${seq}`, prevHash };
        const hash = createHash('sha256').update(JSON.stringify(forged)).digest('hex');
        await store.replace('log', { ...forged, hash }, _etag);
        prevHash = hash;
      }
      const anchor = await store.read<{ id: string; seq: number; hash: string }>('counters', TENANT, 'log-anchor');
      await store.replace('counters', { ...anchor!, hash: prevHash }, anchor!._etag);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 1, reason: expect.stringContaining('sealed with another key') });
    });

    it('names a re-numbered entry that claims a different position', async () => {
      await appendN(4);
      const second = await raw(2);
      await store.replace('log', { ...second, seq: 7 }, second._etag);
      expect(await log.verify(TENANT)).toMatchObject({ ok: false, brokenAt: 2 });
    });
  });

  describe('CSV export', () => {
    const parseCsv = (text: string): string[][] => {
      const rows: string[][] = [];
      let row: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
          if (ch === '"' && text[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cell += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          row.push(cell);
          cell = '';
        } else if (ch === '\r' && text[i + 1] === '\n') {
          row.push(cell);
          rows.push(row);
          row = [];
          cell = '';
          i++;
        } else cell += ch;
      }
      return rows;
    };

    it('starts with a BOM and a header, ends every row with CRLF, and has one row per entry', async () => {
      await appendN(2);
      const csv = await log.exportCsv(TENANT);
      expect(csv.startsWith('\uFEFFseq,when_utc,who_object_id,who_name,who_roles,action,entity_type,entity_id,entity_ref,before,after,prev_hash,hash\r\n')).toBe(true);
      expect(csv.endsWith('\r\n')).toBe(true);
      const rows = parseCsv(csv.slice(1));
      expect(rows).toHaveLength(3);
      expect(rows[1].slice(0, 11)).toEqual(['1', '2026-03-02T10:00:00.000Z', PATTI.aadObjectId, 'Patti Fernandez', 'business', 'test.changed', 'test', 'T-1', '', 'v0', 'v1']);
      expect(rows[2][11]).toBe(rows[1][12]);
    });

    it('quotes commas, quotes and line breaks, and defuses cells a spreadsheet would run as formulas', async () => {
      await log.append({ ...PATTI, name: 'Fernandez, Patti "PF"' }, TENANT, {
        action: 'test.csv',
        entity: { type: 'test', id: 'T-1', ref: '=HYPERLINK("http://evil")' },
        before: 'line one\r\nline two',
        after: '+1 and @sum',
      });
      const rows = parseCsv((await log.exportCsv(TENANT)).slice(1));
      expect(rows).toHaveLength(2);
      const [, , , name, , , , , ref, before, after] = rows[1];
      expect(name).toBe('Fernandez, Patti "PF"');
      expect(ref).toBe(`'=HYPERLINK("http://evil")`);
      expect(before).toBe('line one\r\nline two');
      expect(after).toBe("'+1 and @sum");
    });

    it.each([
      ['=1+1', "'=1+1"],
      ['+44 20', "'+44 20"],
      ['-2', "'-2"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tTAB', "'\tTAB"],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['plain text', 'plain text'],
      ['a=b', 'a=b'],
      [42, '42'],
    ])('csvCell(%j) is %j', (input, expected) => {
      expect(csvCell(input)).toBe(expected);
    });
  });
});
