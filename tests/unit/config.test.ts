import { ConfigError, PLAYGROUND_TENANT_ID, parseConfig } from '../../services/config';

const APP = { MicrosoftAppId: 'a1b2c3d4-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret-value', MicrosoftAppTenantId: 'a1b2c3d4-0000-0000-0000-0000000000aa' };
const SIGNING = { EXPORT_SIGNING_KEY: 'a-long-enough-signing-key', LOG_SEAL_KEY: 'a-log-seal-key-of-at-least-32-characters' };
const COSMOS = { COSMOS_ENDPOINT: 'https://example.documents.azure.com:443/', COSMOS_DATABASE: 'safeguarding', COSMOS_KEY: 'key==' };

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('runs with no settings at all, on the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3978,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3978',
      store: { kind: 'embedded', dataDir: './data' },
      timezone: 'Europe/London',
      tenantId: PLAYGROUND_TENANT_ID,
      directorySeedFile: 'config/directory.playground.json',
      logLevel: 'info',
      reminders: { sendHour: 9, earliestHour: 8, latestHour: 20, digestThreshold: 5, tickMs: 15000, leaseMs: 120000, tenantRatePerSecond: 50 },
      domain: {
        disputeMeetingDays: 28,
        disputeReminderDays: [21, 14, 7, 3, 1],
        reviewStageWarningDays: 7,
        impactCheckMonths: [6, 12],
        reviewProgramme: { children: 2, adults: 2, combined: 1 },
        voteDays: 7,
        voteQuorum: 3,
        voteReminderDays: [2, 1],
        actionReminderDays: [7, 1],
      },
    });
    expect(config.credentials).toBeUndefined();
    expect(config.exportSigningKey).toBeUndefined();
  });

  it('treats blank values as unset and trims the rest', () => {
    const config = parseConfig({ PORT: '  ', DATA_DIR: ' /var/data ', LOG_LEVEL: '' });
    expect(config.port).toBe(3978);
    expect(config.store).toEqual({ kind: 'embedded', dataDir: '/var/data' });
    expect(config.logLevel).toBe('info');
  });

  it('reads lists, de-duplicates them and sorts reminder days latest first', () => {
    const config = parseConfig({ DISPUTE_REMINDER_DAYS: '1, 7,3,7', IMPACT_CHECK_MONTHS: '12,6,3' });
    expect(config.domain.disputeReminderDays).toEqual([7, 3, 1]);
    expect(config.domain.impactCheckMonths).toEqual([3, 6, 12]);
  });

  it('takes PORT=0 (any free port) and derives PUBLIC_URL from the port, without a trailing slash', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(parseConfig({ PUBLIC_URL: 'https://bot.example.org//' }).publicUrl).toBe('https://bot.example.org');
  });

  it('builds a Cosmos store with a key, or with managed identity', () => {
    expect(parseConfig(COSMOS).store).toEqual({
      kind: 'cosmos',
      endpoint: COSMOS.COSMOS_ENDPOINT,
      database: 'safeguarding',
      auth: { kind: 'key', key: 'key==' },
      allowSelfSigned: false,
    });
    expect(parseConfig({ ...COSMOS, COSMOS_ALLOW_SELF_SIGNED: 'true' }).store).toMatchObject({ allowSelfSigned: true });
    const identity = parseConfig({ COSMOS_ENDPOINT: COSMOS.COSMOS_ENDPOINT, COSMOS_DATABASE: 'db', COSMOS_AUTH: 'identity', AZURE_CLIENT_ID: 'client-1' });
    expect(identity.store).toMatchObject({ kind: 'cosmos', auth: { kind: 'identity', clientId: 'client-1' }, allowSelfSigned: false });
  });

  it('takes app credentials, the tenant from them, and the production seed file', () => {
    const config = parseConfig({ ...APP, ...SIGNING });
    expect(config.credentials).toEqual({ appId: APP.MicrosoftAppId, appPassword: 'secret-value', appType: 'SingleTenant', appTenantId: APP.MicrosoftAppTenantId });
    expect(config.tenantId).toBe(APP.MicrosoftAppTenantId);
    expect(config.directorySeedFile).toBe('config/directory.example.json');
    expect(config.exportSigningKey).toBe(SIGNING.EXPORT_SIGNING_KEY);
    expect(parseConfig({ MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: APP.MicrosoftAppTenantId, ...SIGNING }).credentials).toMatchObject({
      appType: 'UserAssignedMSI',
      appPassword: '',
    });
    const multi = parseConfig({ MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppPassword: 'p', MicrosoftAppType: 'MultiTenant', TENANT_ID: APP.MicrosoftAppTenantId, ...SIGNING });
    expect(multi.credentials?.appType).toBe('MultiTenant');
    expect(multi.tenantId).toBe(APP.MicrosoftAppTenantId);
  });

  it.each<[string, string, Record<string, string>]>([
    ['PORT not a number', 'PORT', { PORT: 'abc' }],
    ['PORT half a number', 'PORT', { PORT: '39x' }],
    ['PORT out of range', 'PORT', { PORT: '70000' }],
    ['PORT negative', 'PORT', { PORT: '-1' }],
    ['COSMOS_KEY without an endpoint', 'COSMOS_ENDPOINT', { COSMOS_KEY: 'k' }],
    ['COSMOS_DATABASE without an endpoint', 'COSMOS_ENDPOINT', { COSMOS_DATABASE: 'db' }],
    ['COSMOS_AUTH without an endpoint', 'COSMOS_ENDPOINT', { COSMOS_AUTH: 'identity' }],
    ['COSMOS_ENDPOINT not a URL', 'COSMOS_ENDPOINT', { ...COSMOS, COSMOS_ENDPOINT: 'example.documents.azure.com' }],
    ['COSMOS_ENDPOINT without a database', 'COSMOS_DATABASE', { COSMOS_ENDPOINT: COSMOS.COSMOS_ENDPOINT, COSMOS_KEY: 'k' }],
    ['COSMOS_ENDPOINT without a key', 'COSMOS_KEY', { COSMOS_ENDPOINT: COSMOS.COSMOS_ENDPOINT, COSMOS_DATABASE: 'db' }],
    ['COSMOS_KEY with identity auth', 'COSMOS_KEY', { ...COSMOS, COSMOS_AUTH: 'identity' }],
    ['COSMOS_AUTH unknown', 'COSMOS_AUTH', { ...COSMOS, COSMOS_AUTH: 'password' }],
    ['MicrosoftAppPassword without an id', 'MicrosoftAppId', { MicrosoftAppPassword: 'p', ...SIGNING }],
    ['MicrosoftAppId without a password', 'MicrosoftAppPassword', { MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppTenantId: APP.MicrosoftAppTenantId, ...SIGNING }],
    ['SingleTenant without a tenant', 'MicrosoftAppTenantId', { MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppPassword: 'p', ...SIGNING }],
    ['a MultiTenant bot without TENANT_ID', 'TENANT_ID', { MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppPassword: 'p', MicrosoftAppType: 'MultiTenant', ...SIGNING }],
    ['MicrosoftAppType unknown', 'MicrosoftAppType', { MicrosoftAppType: 'Personal' }],
    ['credentials without EXPORT_SIGNING_KEY', 'EXPORT_SIGNING_KEY', { ...APP, LOG_SEAL_KEY: SIGNING.LOG_SEAL_KEY }],
    ['credentials without LOG_SEAL_KEY', 'LOG_SEAL_KEY', { ...APP, EXPORT_SIGNING_KEY: SIGNING.EXPORT_SIGNING_KEY }],
    ['LOG_SEAL_KEY too short', 'LOG_SEAL_KEY', { LOG_SEAL_KEY: 'sixteen-chars-ok' }],
    ['LOG_SEAL_KEY_FILE inside DATA_DIR', 'LOG_SEAL_KEY_FILE', { DATA_DIR: '/srv/bot/data', LOG_SEAL_KEY_FILE: '/srv/bot/data/seal.key' }],
    ['EXPORT_SIGNING_KEY too short', 'EXPORT_SIGNING_KEY', { EXPORT_SIGNING_KEY: 'short' }],
    ['TIMEZONE unknown', 'TIMEZONE', { TIMEZONE: 'Europe/Warwick' }],
    ['LOG_LEVEL unknown', 'LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['TENANT_ID not an id', 'TENANT_ID', { TENANT_ID: 'contoso' }],
    ['PUBLIC_URL not a URL', 'PUBLIC_URL', { PUBLIC_URL: 'bot.example.org' }],
    ['REMINDER_HOUR out of range', 'REMINDER_HOUR', { REMINDER_HOUR: '24' }],
    ['REMINDER_HOUR outside the allowed hours', 'REMINDER_HOUR', { REMINDER_HOUR: '7' }],
    ['REMINDER_HOUR at the latest hour', 'REMINDER_HOUR', { REMINDER_HOUR: '20' }],
    ['REMINDER_EARLIEST_HOUR after REMINDER_LATEST_HOUR', 'REMINDER_EARLIEST_HOUR', { REMINDER_EARLIEST_HOUR: '21', REMINDER_LATEST_HOUR: '9' }],
    ['REMINDER_LATEST_HOUR zero', 'REMINDER_LATEST_HOUR', { REMINDER_LATEST_HOUR: '0' }],
    ['REMINDER_DIGEST_THRESHOLD zero', 'REMINDER_DIGEST_THRESHOLD', { REMINDER_DIGEST_THRESHOLD: '0' }],
    ['SCHEDULER_TICK_MS too small', 'SCHEDULER_TICK_MS', { SCHEDULER_TICK_MS: '5' }],
    ['SCHEDULER_LEASE_MS not a number', 'SCHEDULER_LEASE_MS', { SCHEDULER_LEASE_MS: '2m' }],
    ['OUTBOUND_TENANT_RATE above what Teams allows', 'OUTBOUND_TENANT_RATE', { OUTBOUND_TENANT_RATE: '60' }],
    ['DISPUTE_MEETING_DAYS zero', 'DISPUTE_MEETING_DAYS', { DISPUTE_MEETING_DAYS: '0' }],
    ['DISPUTE_REMINDER_DAYS with a word in it', 'DISPUTE_REMINDER_DAYS', { DISPUTE_REMINDER_DAYS: '21,fortnight,7' }],
    ['DISPUTE_REMINDER_DAYS with an empty item', 'DISPUTE_REMINDER_DAYS', { DISPUTE_REMINDER_DAYS: '21,,7' }],
    ['IMPACT_CHECK_MONTHS zero', 'IMPACT_CHECK_MONTHS', { IMPACT_CHECK_MONTHS: '0,6' }],
    ['VOTE_DAYS decimal', 'VOTE_DAYS', { VOTE_DAYS: '7.5' }],
    ['VOTE_QUORUM zero', 'VOTE_QUORUM', { VOTE_QUORUM: '0' }],
    ['VOTE_REMINDER_DAYS negative', 'VOTE_REMINDER_DAYS', { VOTE_REMINDER_DAYS: '-1' }],
    ['ACTION_REMINDER_DAYS word', 'ACTION_REMINDER_DAYS', { ACTION_REMINDER_DAYS: 'weekly' }],
    ['REVIEW_STAGE_WARNING_DAYS too many', 'REVIEW_STAGE_WARNING_DAYS', { REVIEW_STAGE_WARNING_DAYS: '40' }],
  ])('refuses %s, naming %s', (_case, variable, env) => {
    const err = configError(env);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('quotes the bad value in the message so the operator can find it', () => {
    expect(configError({ PORT: 'eighty' }).message).toContain('"eighty"');
    expect(configError({ TIMEZONE: 'Mars/Olympus' }).message).toContain('Mars/Olympus');
  });

  it('never puts a secret into an error message', () => {
    const err = configError({ COSMOS_KEY: 'super-secret-key', COSMOS_DATABASE: 'db' });
    expect(err.message).not.toContain('super-secret-key');
  });
});

describe('the log seal key', () => {
  it('is taken from LOG_SEAL_KEY when given', () => {
    expect(parseConfig({ ...APP, ...SIGNING }).logSealKey).toBe(SIGNING.LOG_SEAL_KEY);
  });

  it('is otherwise kept in a file beside DATA_DIR, not inside it', () => {
    const config = parseConfig({ DATA_DIR: '/srv/bot/data' });
    expect(config.logSealKey).toBeUndefined();
    expect(config.logSealKeyFile).toBe('/srv/bot/data.log-seal-key');
    expect(parseConfig({ DATA_DIR: '/srv/bot/data', LOG_SEAL_KEY_FILE: '/etc/bot/seal.key' }).logSealKeyFile).toBe('/etc/bot/seal.key');
  });
});
