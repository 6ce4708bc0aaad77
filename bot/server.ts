import { randomUUID } from 'node:crypto';
import * as zlib from 'node:zlib';
import * as restify from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../services/logger';
import { logEntryFor } from '../services/recommendations/vote-privacy';
import type { AppServices } from './app-services';
import { parseActivity } from './activity-schema';

/** The largest request body accepted, before and after decoding. */
export const MAX_BODY_BYTES = 1024 * 1024;

type BodyResult = { ok: true; body: unknown } | { ok: false; status: number; reason: string };

const DECODERS: Record<string, (input: Buffer, options: zlib.ZlibOptions, done: (err: Error | null, out: Buffer) => void) => void> = {
  gzip: zlib.gunzip,
  'x-gzip': zlib.gunzip,
  deflate: zlib.inflate,
  br: zlib.brotliDecompress,
};

/**
 * Reads a JSON request body with a size limit. A content encoding is decoded with the same
 * limit (a zip bomb stops at the limit) and its failure is a 400, never an `'error'` event
 * nobody listens to; an encoding we do not know is a 415.
 */
export function readJsonBody(req: restify.Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      resolve({ ok: false, status: 415, reason: 'the body must be application/json' });
      return;
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decode = encoding === 'identity' || encoding === '' ? undefined : DECODERS[encoding];
    if (encoding !== 'identity' && encoding !== '' && !decode) {
      req.resume();
      resolve({ ok: false, status: 415, reason: 'content encoding not supported: send identity, gzip, deflate or br' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        finish({ ok: false, status: 413, reason: `the body is larger than ${limit} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish({ ok: false, status: 400, reason: 'the request body could not be read' }));
    req.on('end', () => {
      if (settled) return;
      const raw = Buffer.concat(chunks);
      const parse = (bytes: Buffer) => {
        const text = bytes.toString('utf8');
        if (!text.trim()) return finish({ ok: false, status: 400, reason: 'the body is empty' });
        try {
          finish({ ok: true, body: JSON.parse(text) as unknown });
        } catch {
          finish({ ok: false, status: 400, reason: 'the body is not valid JSON' });
        }
      };
      if (!decode) return parse(raw);
      decode(raw, { maxOutputLength: limit }, (err, out) => {
        if (!err) return parse(out);
        const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        finish(tooLarge ? { ok: false, status: 413, reason: `the decoded body is larger than ${limit} bytes` } : { ok: false, status: 400, reason: `the body is not valid ${encoding}` });
      });
    });
  });
}

const UNAUTHORIZED = 'unauthorized: the request does not carry a valid Bot Framework token';

/**
 * The response the CloudAdapter writes to. The adapter answers its own failures (a bad token,
 * an error escaping the turn) with the error's bare message; those become the server's one-line
 * JSON instead, so no internal detail reaches the caller. Everything else passes through.
 */
function adapterResponse(res: restify.Response, turnLogger: Logger) {
  let status = 200;
  return {
    socket: res.socket,
    status: (code: number) => {
      status = code;
      return res.status(code);
    },
    header: (name: string, value: unknown) => res.header(name, value),
    send: (body: unknown) => {
      if (status < 400 || typeof body !== 'string') return res.send(body);
      if (status === 401) {
        turnLogger.warn('request with an invalid token refused', { reason: body });
        return res.send({ error: UNAUTHORIZED });
      }
      turnLogger.error('the adapter failed the request', { status, reason: body });
      return res.send({ error: status >= 500 ? 'internal error' : 'bad request' });
    },
    end: () => res.end(),
  };
}

export interface HttpServer {
  server: restify.Server;
  /** Requests to /api/messages still being processed. */
  inFlight(): number;
  /** Stops taking new turns (503) while in-flight ones finish. */
  drain(): void;
}

/**
 * The restify server: `/api/messages` through the CloudAdapter (JWT checked whenever app
 * credentials are set), `/healthz`, and the signed CSV download for `log export`.
 * Bad requests get a 4xx with a one-line JSON reason, never a stack trace.
 */
export function createHttpServer(adapter: CloudAdapter, app: Application<TurnState>, services: AppServices): HttpServer {
  const { store, logger, exportLinks, log } = services;
  const server = restify.createServer({ name: 'warwickshire-safeguarding-bot', handleUncaughtExceptions: false });
  let active = 0;
  let draining = false;

  server.use(restify.plugins.queryParser({ mapParams: false }));

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) logger.error('http error', { error: err, path: req.path() });
    (err as unknown as { toJSON: () => unknown }).toJSON = () => ({
      error: status >= 500 ? 'internal error' : err.message.split('\n')[0],
    });
    callback();
  });

  server.post('/api/messages', async (req, res) => {
    if (draining) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'shutting down' });
      return;
    }
    const read = await readJsonBody(req);
    const parsed = read.ok ? parseActivity(read.body) : undefined;
    if (!read.ok || !parsed?.ok) {
      const status = read.ok ? 400 : read.status;
      const reason = read.ok ? (parsed as { reason: string }).reason : read.reason;
      logger.warn('activity refused at the door', { status, reason });
      res.send(status, { error: reason });
      return;
    }
    req.body = parsed.activity;
    if (services.config.credentials && !req.headers.authorization) {
      logger.warn('request without Authorization refused', { activityType: (req.body as { type?: string }).type });
      res.send(401, { error: UNAUTHORIZED });
      return;
    }
    active += 1;
    // The caller's correlation id when it looks like one (never free text in the logs), else a new one.
    const given = req.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    const turnLogger = logger.child({ correlationId });
    const started = process.hrtime.bigint();
    try {
      await adapter.process(req, adapterResponse(res, turnLogger) as never, async (context: TurnContext) => {
        context.turnState.set('logger', turnLogger);
        context.turnState.set('correlationId', correlationId);
        await app.run(context);
      });
      turnLogger.info('turn', {
        activityType: (req.body as { type?: string }).type,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    } catch (err) {
      turnLogger.error('turn failed', { error: err });
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    } finally {
      active -= 1;
    }
  });

  server.get('/healthz', async (_req, res) => {
    const reachable = await store.ping().catch(() => false);
    // Reminder figures for an operator's alert; they never fail the probe itself (the process is up).
    const reminders = reachable ? await services.reminderDesk.health(services.config.tenantId).catch(() => undefined) : undefined;
    res.send(reachable && !draining ? 200 : 503, { status: reachable ? (draining ? 'draining' : 'ok') : 'store unreachable', store: store.kind, reachable, ...(reminders ? { reminders } : {}) });
  });

  server.get('/exports/log.csv', async (req, res) => {
    const token = typeof (req.query as Record<string, unknown>)?.token === 'string' ? ((req.query as Record<string, string>).token) : '';
    const grant = token ? await exportLinks.redeem(token, async (tenantId, id) => (await services.directory.get(tenantId, id))?.roles) : undefined;
    if (!grant) {
      res.send(403, { error: 'this download link has expired or is not valid (or whoever asked for it may no longer export the log); type "log export" in Teams for a new one' });
      return;
    }
    const roles = (await services.directory.get(grant.tenantId, grant.requester))?.roles ?? [];
    const csv = await log.exportCsv(grant.tenantId, (entry) => logEntryFor(roles, entry));
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="safeguarding-log-${new Date(services.clock.now()).toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.end(csv);
  });

  return {
    server,
    inFlight: () => active,
    drain: () => {
      draining = true;
    },
  };
}
