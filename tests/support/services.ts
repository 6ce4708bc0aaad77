import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compose } from '../../bot/compose';
import type { AppServices } from '../../bot/app-services';
import type { ConversationRecord } from '../../services/conversations';
import { parseConfig } from '../../services/config';
import { silentLogger } from '../../services/logger';
import type { Messenger, OutboundMessage } from '../../services/messaging';
import type { Store } from '../../services/store/port';
import { TestClock } from './clock';
import { TEST_LOG_SEAL_KEY } from './seal-key';

/** A Messenger that records what services would have posted, for tests without a connector. */
export class RecordingMessenger implements Messenger {
  readonly sent: { conversationId: string; activityId: string; message: OutboundMessage }[] = [];
  readonly updated: { conversationId: string; activityId: string; message: OutboundMessage }[] = [];
  private counter = 0;

  async send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }> {
    const activityId = `sent-${++this.counter}`;
    this.sent.push({ conversationId: conversation.conversationId, activityId, message });
    return { activityId };
  }

  async update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void> {
    this.updated.push({ conversationId: conversation.conversationId, activityId, message });
  }
}

export interface TestServices {
  services: AppServices;
  clock: TestClock;
  messenger: RecordingMessenger;
  dataDir: string;
  /** Closes the store and deletes the data folder. */
  close: () => Promise<void>;
}

/**
 * AppServices built by the real composition root (so they stay in step with it) on a fresh
 * embedded store in a temporary folder, with a test clock and a recording messenger, and the
 * playground demo directory seeded. The HTTP server is built but never listens.
 */
export async function createTestServices(
  options: { clock?: TestClock; env?: Record<string, string>; store?: Store } = {},
): Promise<TestServices> {
  const clock = options.clock ?? new TestClock('2026-03-02T10:00:00Z');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-services-'));
  const messenger = new RecordingMessenger();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DIRECTORY_SEED: 'config/directory.playground.json', LOG_SEAL_KEY: TEST_LOG_SEAL_KEY, ...options.env });
  const composed = await compose(config, { clock, logger: silentLogger, messenger, ...(options.store ? { store: options.store } : {}) });
  return {
    services: composed.services,
    clock,
    messenger,
    dataDir,
    close: async () => {
      await composed.services.store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
