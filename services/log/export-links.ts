import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import type { Role } from '../directory/roles';

/** Who may read and export the log. */
export const LOG_READER_ROLES: readonly Role[] = ['business', 'chair', 'lay'];

/**
 * Short-lived signed links for downloading the log as CSV. The link names the tenant and
 * expiry and is signed with a key every instance shares, so any instance can serve it.
 */
export class ExportLinks {
  constructor(private readonly key: string, private readonly clock: Clock, private readonly ttlMs = 15 * 60 * 1000) {
    if (key.length < 16) throw new Error('The export signing key must be at least 16 characters');
  }

  create(tenantId: string, requester: string): string {
    const payload = Buffer.from(JSON.stringify({ t: tenantId, r: requester, e: this.clock.now().getTime() + this.ttlMs })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The tenant and requester a valid, unexpired token was made for; undefined otherwise. */
  verify(token: string): { tenantId: string; requester: string } | undefined {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: string; r: string; e: number };
      if (typeof body.e !== 'number' || body.e < this.clock.now().getTime()) return undefined;
      return { tenantId: body.t, requester: body.r };
    } catch {
      return undefined;
    }
  }

  /**
   * The grant of a valid, unexpired token whose requester STILL holds a log-reading role: a link
   * stops working the moment its requester loses the role that allowed it. `rolesOf` reads the
   * requester's current roles (undefined when they are no longer in the directory).
   */
  async redeem(token: string, rolesOf: (tenantId: string, aadObjectId: string) => Promise<readonly Role[] | undefined>): Promise<{ tenantId: string; requester: string } | undefined> {
    const grant = this.verify(token);
    if (!grant || typeof grant.tenantId !== 'string' || typeof grant.requester !== 'string') return undefined;
    const roles = await rolesOf(grant.tenantId, grant.requester);
    return roles?.some((r) => LOG_READER_ROLES.includes(r)) ? grant : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
