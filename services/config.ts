import * as path from 'node:path';
import type { CaseReviewSettings } from './case-reviews/case-reviews-service';
import { zoneNamed } from './table-zone';

/**
 * Every setting, typed and checked once at start-up. `parseConfig` takes the environment as a
 * plain object; only the composition root passes `process.env`.
 */
export type StoreConfig =
  | { kind: 'embedded'; dataDir: string }
  | {
      kind: 'cosmos';
      endpoint: string;
      database: string;
      /** `key` for the emulator or local server; `identity` for Entra (managed identity in Azure). */
      auth: { kind: 'key'; key: string } | { kind: 'identity'; clientId?: string };
      /** Accept a self-signed certificate (the local Cosmos server only). */
      allowSelfSigned: boolean;
    };

export interface BotCredentials {
  appId: string;
  appPassword: string;
  appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  appTenantId: string;
}

/** Domain defaults from ../shared/DOMAIN.md, each overridable by an administrator. */
export interface DomainSettings {
  disputeMeetingDays: number;
  disputeReminderDays: number[];
  reviewStageWarningDays: number;
  impactCheckMonths: number[];
  /** Hub focused reviews the arrangements plan each year, by strand (the programme view's targets). */
  reviewProgramme: { children: number; adults: number; combined: number };
  voteDays: number;
  voteQuorum: number;
  voteReminderDays: number[];
  /** Local hour a vote closes on its deadline date (a job: not limited to the reminder hours). */
  voteCloseHour: number;
  actionReminderDays: number[];
  /** Safeguarding case-review clocks (CASE_*), from Working Together and the Care Act. */
  caseReviews: CaseReviewSettings;
}

export interface ReminderSettings {
  /** Local hour reminders go out at (Europe/London by default). */
  sendHour: number;
  /** Sends are allowed from this local hour... */
  earliestHour: number;
  /** ...up to (not including) this one. */
  latestHour: number;
  /** More overdue reminders than this for one conversation go as one digest card. */
  digestThreshold: number;
  /**
   * A reminder due on a Saturday, Sunday or bank holiday (England and Wales): held to the next
   * working day's send hour ('next-working-day'), or sent that day like any other ('send').
   * Jobs (a vote closing, a breach recorded) run at their instant either way.
   */
  nonWorkingDays: 'next-working-day' | 'send';
  tickMs: number;
  leaseMs: number;
  /**
   * Proactive sends per second this instance may make to one tenant. Teams allows about 50 per
   * app per tenant in all, so with N instances give each 50 / N (OUTBOUND_TENANT_RATE).
   */
  tenantRatePerSecond: number;
  /** Run the delivery loop in this process (SCHEDULER_ENABLED, default true; tests tick by hand). */
  schedulerEnabled: boolean;
}

export interface Config {
  port: number;
  host: string;
  /** The address people's browsers reach the bot at (download links). */
  publicUrl: string;
  /** Signs log download links; every instance must share it. Random per process when unset (local only). */
  exportSigningKey?: string;
  /** Keys the audit log's hash chain (HMAC). Never stored in the database; required with app credentials. */
  logSealKey?: string;
  /** Without LOG_SEAL_KEY (local runs): where the generated key is kept, outside DATA_DIR. */
  logSealKeyFile: string;
  store: StoreConfig;
  /** Absent: anonymous, for the local playground only. */
  credentials?: BotCredentials;
  timezone: string;
  /** The Entra tenant this deployment serves; activities from other tenants are refused. */
  tenantId: string;
  directorySeedFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  reminders: ReminderSettings;
  domain: DomainSettings;
}

/** A setting that is missing, malformed or half-given; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';

export function parseConfig(env: Env): Config {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
      throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = get(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false (got "${raw}")`);
    return raw === 'true';
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `must be ${values.join(' or ')} (got "${raw}")`);
    return raw as T;
  };
  const intList = (name: string, fallback: number[], min: number, max: number): number[] => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const parts = raw.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < min || Number(p) > max))
      throw new ConfigError(name, `must be a comma-separated list of whole numbers from ${min} to ${max} (got "${raw}")`);
    return [...new Set(parts.map(Number))].sort((a, b) => b - a);
  };

  const endpoint = get('COSMOS_ENDPOINT');
  const key = get('COSMOS_KEY');
  const database = get('COSMOS_DATABASE');
  const cosmosAuth = get('COSMOS_AUTH') ?? (endpoint && !key ? undefined : 'key');
  let store: StoreConfig;
  if (endpoint || key || database || get('COSMOS_AUTH')) {
    if (!endpoint) throw new ConfigError('COSMOS_ENDPOINT', 'is required when any COSMOS_ setting is given');
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new ConfigError('COSMOS_ENDPOINT', `must be an https URL (got "${endpoint}")`);
    if (!database) throw new ConfigError('COSMOS_DATABASE', 'is required when COSMOS_ENDPOINT is set');
    if (cosmosAuth === 'identity') {
      if (key) throw new ConfigError('COSMOS_KEY', 'must be empty when COSMOS_AUTH=identity');
      store = { kind: 'cosmos', endpoint, database, auth: { kind: 'identity', clientId: get('AZURE_CLIENT_ID') }, allowSelfSigned: false };
    } else if (cosmosAuth === 'key' || cosmosAuth === undefined) {
      if (!key) throw new ConfigError('COSMOS_KEY', 'is required when COSMOS_ENDPOINT is set (or set COSMOS_AUTH=identity)');
      store = { kind: 'cosmos', endpoint, database, auth: { kind: 'key', key }, allowSelfSigned: get('COSMOS_ALLOW_SELF_SIGNED') === 'true' };
    } else {
      throw new ConfigError('COSMOS_AUTH', `must be "key" or "identity" (got "${cosmosAuth}")`);
    }
  } else {
    store = { kind: 'embedded', dataDir: get('DATA_DIR') ?? './data' };
  }

  const appId = get('MicrosoftAppId');
  const appPassword = get('MicrosoftAppPassword');
  const appTypeRaw = get('MicrosoftAppType') ?? 'SingleTenant';
  const appTenantId = get('MicrosoftAppTenantId');
  let credentials: BotCredentials | undefined;
  if (!['SingleTenant', 'MultiTenant', 'UserAssignedMSI'].includes(appTypeRaw))
    throw new ConfigError('MicrosoftAppType', `must be SingleTenant, MultiTenant or UserAssignedMSI (got "${appTypeRaw}")`);
  const appType = appTypeRaw as BotCredentials['appType'];
  if (appId || appPassword) {
    if (!appId) throw new ConfigError('MicrosoftAppId', 'is required when MicrosoftAppPassword is set');
    if (!appPassword && appType !== 'UserAssignedMSI')
      throw new ConfigError('MicrosoftAppPassword', 'is required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)');
    if (appType !== 'MultiTenant' && !appTenantId)
      throw new ConfigError('MicrosoftAppTenantId', `is required when MicrosoftAppType=${appType}`);
    credentials = { appId, appPassword: appPassword ?? '', appType, appTenantId: appTenantId ?? '' };
  }

  const timezone = get('TIMEZONE') ?? 'Europe/London';
  if (!zoneNamed(timezone)) throw new ConfigError('TIMEZONE', `is not a known IANA time zone (got "${timezone}")`);

  const logLevel = (get('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new ConfigError('LOG_LEVEL', `must be debug, info, warn or error (got "${logLevel}")`);

  const tenantId = get('TENANT_ID') ?? (credentials ? credentials.appTenantId || undefined : PLAYGROUND_TENANT_ID);
  if (tenantId === undefined)
    throw new ConfigError('TENANT_ID', `is required when MicrosoftAppType=${appType}: the Entra tenant this bot serves`);
  if (!/^[0-9a-fA-F-]{20,40}$/.test(tenantId)) throw new ConfigError('TENANT_ID', `must be an Entra tenant id (got "${tenantId}")`);

  const reminders: ReminderSettings = {
    sendHour: int('REMINDER_HOUR', 9, 0, 23),
    earliestHour: int('REMINDER_EARLIEST_HOUR', 8, 0, 23),
    latestHour: int('REMINDER_LATEST_HOUR', 20, 1, 24),
    digestThreshold: int('REMINDER_DIGEST_THRESHOLD', 5, 1, 1000),
    nonWorkingDays: oneOf('REMINDER_NON_WORKING_DAYS', ['next-working-day', 'send'] as const, 'next-working-day'),
    tickMs: int('SCHEDULER_TICK_MS', 15000, 100, 3600000),
    leaseMs: int('SCHEDULER_LEASE_MS', 120000, 1000, 3600000),
    tenantRatePerSecond: int('OUTBOUND_TENANT_RATE', 50, 1, 50),
    schedulerEnabled: bool('SCHEDULER_ENABLED', true),
  };
  if (reminders.earliestHour >= reminders.latestHour)
    throw new ConfigError('REMINDER_EARLIEST_HOUR', 'must be earlier than REMINDER_LATEST_HOUR');
  if (reminders.sendHour < reminders.earliestHour || reminders.sendHour >= reminders.latestHour)
    throw new ConfigError('REMINDER_HOUR', 'must fall between REMINDER_EARLIEST_HOUR and REMINDER_LATEST_HOUR');

  const domain: DomainSettings = {
    disputeMeetingDays: int('DISPUTE_MEETING_DAYS', 28, 1, 365),
    disputeReminderDays: intList('DISPUTE_REMINDER_DAYS', [21, 14, 7, 3, 1], 1, 365),
    reviewStageWarningDays: int('REVIEW_STAGE_WARNING_DAYS', 7, 1, 28),
    impactCheckMonths: intList('IMPACT_CHECK_MONTHS', [6, 12], 1, 60).sort((a, b) => a - b),
    reviewProgramme: {
      children: int('REVIEW_PROGRAMME_CHILDREN', 2, 0, 20),
      adults: int('REVIEW_PROGRAMME_ADULTS', 2, 0, 20),
      combined: int('REVIEW_PROGRAMME_COMBINED', 1, 0, 20),
    },
    voteDays: int('VOTE_DAYS', 7, 1, 90),
    voteQuorum: int('VOTE_QUORUM', 3, 1, 100),
    voteReminderDays: intList('VOTE_REMINDER_DAYS', [2, 1], 1, 90),
    voteCloseHour: int('VOTE_CLOSE_HOUR', 17, 0, 23),
    actionReminderDays: intList('ACTION_REMINDER_DAYS', [7, 1], 1, 90),
    caseReviews: {
      notificationWorkingDays: int('CASE_NOTIFICATION_WORKING_DAYS', 5, 1, 60),
      rapidReviewWorkingDays: int('CASE_RAPID_REVIEW_WORKING_DAYS', 15, 1, 120),
      localReviewMonths: int('CASE_LOCAL_REVIEW_MONTHS', 6, 1, 36),
      finalReportWorkingDays: int('CASE_FINAL_REPORT_WORKING_DAYS', 7, 1, 60),
      sarMonths: int('CASE_SAR_MONTHS', 6, 1, 36),
      reminderWorkingDays: intList('CASE_REMINDER_WORKING_DAYS', [5, 2, 1], 1, 60),
    },
  };

  const port = int('PORT', 3978, 0, 65535); // 0: any free port (tests)
  const publicUrl = (get('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(publicUrl)) throw new ConfigError('PUBLIC_URL', `must be an http(s) URL (got "${publicUrl}")`);
  const exportSigningKey = get('EXPORT_SIGNING_KEY');
  if (exportSigningKey && exportSigningKey.length < 16) throw new ConfigError('EXPORT_SIGNING_KEY', 'must be at least 16 characters');
  if (credentials && !exportSigningKey)
    throw new ConfigError('EXPORT_SIGNING_KEY', 'is required when the bot has app credentials (instances must share it)');

  const logSealKey = get('LOG_SEAL_KEY');
  if (logSealKey && logSealKey.length < 32) throw new ConfigError('LOG_SEAL_KEY', 'must be at least 32 characters (e.g. openssl rand -hex 32)');
  if (credentials && !logSealKey)
    throw new ConfigError('LOG_SEAL_KEY', 'is required when the bot has app credentials (from Key Vault; instances must share it and it must not live in the database)');
  const logSealKeyFile = path.resolve(get('LOG_SEAL_KEY_FILE') ?? (store.kind === 'embedded' ? `${path.resolve(store.dataDir)}.log-seal-key` : '.log-seal-key'));
  if (store.kind === 'embedded' && isInside(logSealKeyFile, path.resolve(store.dataDir)))
    throw new ConfigError('LOG_SEAL_KEY_FILE', 'must be outside DATA_DIR: whoever can read the data must not also hold the key');

  return {
    port,
    publicUrl,
    ...(exportSigningKey ? { exportSigningKey } : {}),
    ...(logSealKey ? { logSealKey } : {}),
    logSealKeyFile,
    host: get('HOST') ?? '0.0.0.0',
    store,
    credentials,
    timezone,
    tenantId,
    directorySeedFile: get('DIRECTORY_SEED') ?? (credentials ? 'config/directory.example.json' : 'config/directory.playground.json'),
    logLevel,
    reminders,
    domain,
  };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
