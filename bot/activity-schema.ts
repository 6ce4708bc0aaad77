import { z } from 'zod';

/**
 * The one shape an incoming Bot Framework activity must have before any turn logic sees it.
 * Limits follow Teams' own: a message is at most about 28 KB of text, names and ids are short.
 * Objects the bot reads field by field (from, recipient, conversation) may carry extra fields
 * Teams adds, but only flat ones: nesting there is refused.
 */
export const ACTIVITY_LIMITS = {
  /** Teams refuses messages over about 28 KB; nothing longer can come from a real client. */
  textLength: 28 * 1024,
  nameLength: 256,
  idLength: 1024,
  listLength: 256,
  /** Deepest nesting of arrays/objects anywhere in the body (cards and invoke values included). */
  depth: 32,
} as const;

const flatValue = z.union([z.string().max(ACTIVITY_LIMITS.idLength), z.number(), z.boolean(), z.null()], {
  errorMap: () => ({ message: 'must be a flat value (no nested objects)' }),
});
/** Bot Framework's `properties` bag on an account: allowed, one level deep. */
const properties = z.record(flatValue, { invalid_type_error: 'must be an object' }).nullish();
const str = (max: number) => z.string({ invalid_type_error: 'must be a string' }).max(max, { message: `must be at most ${max} characters` });
const requiredStr = (max: number) => str(max).min(1, { message: 'must not be empty' });
const optionalStr = (max: number) => str(max).nullish();

const account = z
  .object({
    id: str(ACTIVITY_LIMITS.idLength),
    name: optionalStr(ACTIVITY_LIMITS.nameLength),
    aadObjectId: optionalStr(64),
    role: optionalStr(32),
    properties,
  }, { invalid_type_error: 'must be an object' })
  .catchall(flatValue);

const conversation = z
  .object({
    id: requiredStr(ACTIVITY_LIMITS.idLength),
    name: optionalStr(ACTIVITY_LIMITS.nameLength),
    conversationType: optionalStr(32),
    tenantId: optionalStr(64),
    isGroup: z.boolean({ invalid_type_error: 'must be true or false' }).nullish(),
    properties,
  }, { invalid_type_error: 'must be an object' })
  .catchall(flatValue);

const idAndName = z.object({ id: optionalStr(ACTIVITY_LIMITS.idLength), name: optionalStr(ACTIVITY_LIMITS.nameLength) }, { invalid_type_error: 'must be an object' }).passthrough();

const channelData = z
  .object({
    tenant: z.object({ id: optionalStr(64) }, { invalid_type_error: 'must be an object' }).passthrough().nullish(),
    team: idAndName.nullish(),
    channel: idAndName.nullish(),
    eventType: optionalStr(64),
  }, { invalid_type_error: 'must be an object' })
  .passthrough();

const objectList = (max: number) =>
  z.array(z.record(z.unknown(), { invalid_type_error: 'must be a list of objects' }), { invalid_type_error: 'must be a list of objects' }).max(max, { message: `must have at most ${max} items` });

export const activitySchema = z
  .object(
    {
      type: requiredStr(64),
      id: optionalStr(ACTIVITY_LIMITS.idLength),
      name: optionalStr(ACTIVITY_LIMITS.nameLength),
      action: optionalStr(64),
      serviceUrl: requiredStr(2048).regex(/^https?:\/\/[^\s]+$/i, { message: 'must be an http(s) URL' }),
      channelId: requiredStr(64),
      timestamp: optionalStr(64),
      localTimestamp: optionalStr(64),
      locale: optionalStr(32),
      from: account,
      recipient: account,
      conversation,
      channelData: channelData.nullish(),
      replyToId: optionalStr(ACTIVITY_LIMITS.idLength),
      text: optionalStr(ACTIVITY_LIMITS.textLength),
      textFormat: optionalStr(32),
      entities: objectList(64).nullish(),
      attachments: objectList(10).nullish(),
      membersAdded: z.array(account, { invalid_type_error: 'must be a list of objects' }).max(ACTIVITY_LIMITS.listLength).nullish(),
      membersRemoved: z.array(account, { invalid_type_error: 'must be a list of objects' }).max(ACTIVITY_LIMITS.listLength).nullish(),
      value: z.unknown(),
    },
    { invalid_type_error: 'the body must be a JSON activity' },
  )
  .passthrough()
  .superRefine((a, ctx) => {
    const conversationTenant = a.conversation.tenantId ?? undefined;
    const channelTenant = a.channelData?.tenant?.id ?? undefined;
    if (conversationTenant !== undefined && channelTenant !== undefined && conversationTenant !== channelTenant)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['conversation', 'tenantId'], message: 'must agree with channelData.tenant.id' });
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
      const action = (a.value as { action?: unknown } | null | undefined)?.action;
      if (!action || typeof action !== 'object' || Array.isArray(action))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['value', 'action'], message: 'an adaptiveCard/action invoke needs value.action' });
    }
  });

export type IncomingActivity = z.infer<typeof activitySchema>;

/** How deeply the value nests, counted without recursion (a hostile body cannot overflow the stack). */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The validated activity, or a one-line reason (never echoing the sender's values). */
export function parseActivity(body: unknown): { ok: true; activity: IncomingActivity } | { ok: false; reason: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'the body must be a JSON activity' };
  if (nestingDepth(body, ACTIVITY_LIMITS.depth) > ACTIVITY_LIMITS.depth) return { ok: false, reason: `the activity nests deeper than ${ACTIVITY_LIMITS.depth} levels` };
  const result = activitySchema.safeParse(body);
  if (result.success) return { ok: true, activity: result.data };
  // Field names can come from the sender (extra keys): only plain short ones are named back.
  const pathOf = (path: (string | number)[]) => path.map((k) => (/^[A-Za-z0-9_$-]{1,40}$/.test(String(k)) ? String(k) : '<field>')).join('.');
  const missing = result.error.issues.filter((i) => i.code === 'invalid_type' && i.received === 'undefined').map((i) => pathOf(i.path));
  if (missing.length) return { ok: false, reason: `the activity is missing ${[...new Set(missing)].join(', ')}` };
  const first = result.error.issues[0];
  const where = pathOf(first.path);
  if (first.code === 'custom' && first.message.startsWith('an ')) return { ok: false, reason: first.message };
  return { ok: false, reason: where ? `${where} ${first.message}` : first.message };
}
