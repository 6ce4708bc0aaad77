import { randomUUID } from 'node:crypto';
import * as restify from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../services/logger';
import type { AppServices } from './app-services';

/** Why an activity was turned away before it reached the bot, or undefined when it may pass. */
export function activityProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON activity';
  const a = body as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof a.type !== 'string' || !a.type) missing.push('type');
  if (typeof a.serviceUrl !== 'string' || !a.serviceUrl) missing.push('serviceUrl');
  if (typeof a.channelId !== 'string' || !a.channelId) missing.push('channelId');
  const conversation = a.conversation as Record<string, unknown> | undefined;
  if (!conversation || typeof conversation.id !== 'string' || !conversation.id) missing.push('conversation.id');
  const from = a.from as Record<string, unknown> | undefined;
  if (!from || typeof from.id !== 'string') missing.push('from.id');
  const recipient = a.recipient as Record<string, unknown> | undefined;
  if (!recipient || typeof recipient.id !== 'string') missing.push('recipient.id');
  if (missing.length) return `the activity is missing ${missing.join(', ')}`;
  if (typeof a.serviceUrl === 'string' && !/^https?:\/\//.test(a.serviceUrl)) return 'serviceUrl must be an http(s) URL';
  if (a.text !== undefined && a.text !== null && typeof a.text !== 'string') return 'text must be a string';
  const isObject = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x);
  for (const field of ['entities', 'attachments', 'membersAdded', 'membersRemoved'])
    if (a[field] !== undefined && a[field] !== null && (!Array.isArray(a[field]) || !(a[field] as unknown[]).every(isObject)))
      return `${field} must be a list of objects`;
  if (a.type === 'invoke' && a.name === 'adaptiveCard/action' && !isObject((a.value as Record<string, unknown> | undefined)?.action))
    return 'an adaptiveCard/action invoke needs value.action';
  return undefined;
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

  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
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
    const problem = activityProblem(req.body);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
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
    const grant = token ? exportLinks.verify(token) : undefined;
    if (!grant) {
      res.send(403, { error: 'this download link has expired or is not valid; type "log export" in Teams for a new one' });
      return;
    }
    const csv = await log.exportCsv(grant.tenantId);
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
