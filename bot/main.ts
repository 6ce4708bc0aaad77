import { ConfigError, parseConfig } from '../services/config';
import { compose } from './compose';

/** How long in-flight turns and sends may take to finish after SIGTERM (App Service waits longer). */
const STOP_TIMEOUT_MS = 10_000;

/** Production entry: parse config (one line naming the bad variable on failure), start, stop on SIGTERM. */
async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const composed = await compose(config);
  const port = await composed.start();
  composed.services.logger.info('listening', {
    port,
    store: composed.services.store.kind,
    endpoint: `http://localhost:${port}/api/messages`,
    startupMs: Date.now() - started,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    composed.services.logger.info('stopping', { signal, inFlight: composed.http.inFlight() });
    // A last resort if closing hangs (a connection that never ends): the platform would kill us anyway.
    setTimeout(() => {
      composed.services.logger.error('stop timed out; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS + 5_000).unref();
    composed
      .stop(STOP_TIMEOUT_MS)
      .then(() => {
        composed.services.logger.info('stopped', { signal });
        process.exit(0);
      })
      .catch((err: unknown) => {
        composed.services.logger.error('stop failed', { error: err });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
