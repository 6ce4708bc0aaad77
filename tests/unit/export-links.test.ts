import { ExportLinks } from '../../services/log/export-links';
import { TestClock } from '../support/clock';

const KEY = 'a-shared-signing-key-of-32-chars!';
const TENANT = '00000000-0000-0000-0000-0000000000001';
const PATTI = '00000000-0000-0000-0000-0000000000024';

describe('ExportLinks', () => {
  let clock: TestClock;
  let links: ExportLinks;

  beforeEach(() => {
    clock = new TestClock('2026-03-02T10:00:00Z');
    links = new ExportLinks(KEY, clock);
  });

  it('verifies a fresh token to the tenant and requester it was made for', () => {
    const token = links.create(TENANT, PATTI);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(links.verify(token)).toEqual({ tenantId: TENANT, requester: PATTI });
  });

  it('is valid on another instance that shares the key, and not on one with another key', () => {
    const token = links.create(TENANT, PATTI);
    expect(new ExportLinks(KEY, clock).verify(token)).toEqual({ tenantId: TENANT, requester: PATTI });
    expect(new ExportLinks('another-signing-key-entirely', clock).verify(token)).toBeUndefined();
  });

  it('expires after 15 minutes by default', () => {
    const token = links.create(TENANT, PATTI);
    clock.advance(15 * 60 * 1000);
    expect(links.verify(token)).toBeDefined();
    clock.advance(1);
    expect(links.verify(token)).toBeUndefined();
  });

  it('takes another lifetime', () => {
    const short = new ExportLinks(KEY, clock, 1000);
    const token = short.create(TENANT, PATTI);
    clock.advance(1001);
    expect(short.verify(token)).toBeUndefined();
  });

  it('refuses a token whose payload was changed (another tenant, a later expiry)', () => {
    const token = links.create(TENANT, PATTI);
    const [payload, signature] = token.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: string; r: string; e: number };
    const forge = (changed: object) => `${Buffer.from(JSON.stringify({ ...body, ...changed })).toString('base64url')}.${signature}`;
    expect(links.verify(forge({ t: 'another-tenant' }))).toBeUndefined();
    expect(links.verify(forge({ e: body.e + 24 * 3600 * 1000 }))).toBeUndefined();
  });

  it('refuses a changed signature, and anything malformed', () => {
    const token = links.create(TENANT, PATTI);
    const [payload, signature] = token.split('.');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect(links.verify(`${payload}.${flipped}`)).toBeUndefined();
    expect(links.verify(`${payload}.${signature}x`)).toBeUndefined();
    expect(links.verify(payload)).toBeUndefined();
    expect(links.verify('')).toBeUndefined();
    expect(links.verify('.')).toBeUndefined();
    expect(links.verify('not a token at all')).toBeUndefined();
  });

  it('refuses a correctly signed payload that is not a token', () => {
    const sign = (payload: string) => (links as unknown as { sign(p: string): string }).sign(payload);
    const notJson = Buffer.from('hello').toString('base64url');
    expect(links.verify(`${notJson}.${sign(notJson)}`)).toBeUndefined();
    const noExpiry = Buffer.from(JSON.stringify({ t: TENANT, r: PATTI })).toString('base64url');
    expect(links.verify(`${noExpiry}.${sign(noExpiry)}`)).toBeUndefined();
  });

  it('refuses a signing key shorter than 16 characters', () => {
    expect(() => new ExportLinks('short', clock)).toThrow(/at least 16 characters/);
  });
});
