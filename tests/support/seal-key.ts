/** The LOG_SEAL_KEY in-process test bots run with, so tests leave no generated key file behind. */
export const TEST_LOG_SEAL_KEY = 'test-log-seal-key-of-at-least-32-characters';
