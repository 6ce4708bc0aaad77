import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import * as restify from 'restify';

/**
 * The benchmark's baseline: a bare echo bot on the same stack as the real one (Teams AI
 * `Application`, `TeamsAdapter` = CloudAdapter, restify with the same body parser), so the
 * difference between its figures and the bot's is the bot's own work.
 */
export function createEchoServer(): restify.Server {
  const adapter = new TeamsAdapter({});
  const app = new Application<TurnState>({ adapter, botAppId: '', removeRecipientMention: true, startTypingTimer: false });
  app.activity('message', async (context: TurnContext) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  });
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res as never, async (context) => {
      await app.run(context);
    });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  return server;
}

/** `node dist/bench/echo-bot.js` listens on PORT (0 = any) and prints `listening <port>`. */
if (require.main === module) {
  const server = createEchoServer();
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
