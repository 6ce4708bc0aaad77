/**
 * Structured JSON logs, one object per line, for App Service and Application Insights. Callers
 * pass identifiers and outcomes only: never secrets, tokens or the content of safeguarding cases.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    // eslint-disable-next-line no-restricted-syntax -- log timestamps are wall-clock time, not domain time
    write(JSON.stringify({ time: new Date(Date.now()).toISOString(), level: lvl, msg, ...base, ...redact(fields) }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, write, { ...base, ...redact(fields) }),
  };
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = createLogger('error', () => undefined);

/** Field names whose values are never written: credentials of any kind. */
const SECRET_KEYS = /(password|secret|token|key|authorization|cookie|credential|connectionstring|signature|jwt)/i;
/** Field names that carry what people typed or were shown (case details): never written either. */
const CONTENT_KEYS = /^(text|card|cards|attachments|activity|body)$/i;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;
const MAX_DEPTH = 4;

/** Exported for tests: what a field set looks like once it is safe to write. */
export function redact(fields?: Record<string, unknown>): Record<string, unknown> {
  if (!fields) return {};
  return redactObject(fields, 0);
}

function redactObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEYS.test(k)) out[k] = '[redacted]';
    else if (CONTENT_KEYS.test(k)) out[k] = '[omitted]';
    else out[k] = redactValue(v, depth + 1);
  }
  return out;
}

function redactValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.replace(BEARER, '$1 [redacted]');
  if (v instanceof Error) {
    const status = (v as { statusCode?: number }).statusCode;
    return { name: v.name, message: v.message.replace(BEARER, '$1 [redacted]'), ...(status !== undefined ? { status } : {}) };
  }
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) return '[nested]';
  if (Array.isArray(v)) return v.map((item) => redactValue(item, depth + 1));
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v; // Date and other values JSON knows how to write
  return redactObject(v as Record<string, unknown>, depth);
}
