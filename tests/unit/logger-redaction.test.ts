import { createLogger, redact } from '../../services/logger';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('debug', (line) => lines.push(line)) };
}

describe('structured logs never carry secrets, tokens or case content', () => {
  it('writes one JSON object per line with level, message and fields', () => {
    const { lines, logger } = capture();
    logger.child({ correlationId: 'c-1' }).info('turn', { activityType: 'message', status: 200 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', msg: 'turn', correlationId: 'c-1', activityType: 'message', status: 200 });
  });

  it('redacts secret-named fields at any depth, including in child loggers', () => {
    const { lines, logger } = capture();
    logger.child({ appPassword: 'p@ss-child' }).warn('auth', {
      MicrosoftAppPassword: 'p@ss-1',
      config: { store: { auth: { key: 'cosmos-key-2' } }, exportSigningKey: 'sign-3', credentials: { appId: 'id' } },
      headers: [{ authorization: 'Bearer abc.def.ghi' }],
      connectionString: 'AccountKey=4',
    });
    const text = lines.join('\n');
    for (const secret of ['p@ss-child', 'p@ss-1', 'cosmos-key-2', 'sign-3', 'abc.def.ghi', 'AccountKey=4']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0])).toMatchObject({ MicrosoftAppPassword: '[redacted]', config: { exportSigningKey: '[redacted]', credentials: '[redacted]' } });
  });

  it('omits what people typed or were shown: message text, cards, activities', () => {
    const out = redact({
      conversationId: 'conv-1',
      text: 'Child A disclosed at school',
      card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Case details' }] },
      reply: { attachments: [{ content: 'Case details' }] },
      activity: { text: 'x' },
    });
    expect(out).toEqual({ conversationId: 'conv-1', text: '[omitted]', card: '[omitted]', reply: { attachments: '[omitted]' }, activity: '[omitted]' });
  });

  it('strips bearer tokens from strings and error messages, keeping the error short', () => {
    const err = Object.assign(new Error('request failed: Authorization: Bearer eyJhbGciOi.payload.sig'), { statusCode: 401 });
    const out = redact({ error: err, note: 'sent Bearer eyJzzz.yyy' });
    expect(out).toEqual({ error: { name: 'Error', message: 'request failed: Authorization: Bearer [redacted]', status: 401 }, note: 'sent Bearer [redacted]' });
    expect(JSON.stringify(out)).not.toContain('eyJ');
  });

  it('keeps ordinary values as they are', () => {
    const when = new Date('2026-03-02T10:00:00Z');
    expect(JSON.parse(JSON.stringify(redact({ at: when, count: 3, ok: true, ids: ['a', 'b'], none: null })))).toEqual({
      at: '2026-03-02T10:00:00.000Z',
      count: 3,
      ok: true,
      ids: ['a', 'b'],
      none: null,
    });
  });
});
