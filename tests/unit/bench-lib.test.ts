import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BenchConnector } from '../../bench/connector-stub';
import { createEchoServer } from '../../bench/echo-bot';
import { formatTable, measureTurns, median, percentile, personal, teamsActivity, BENCH_USERS } from '../../bench/lib';

describe('bench helpers', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('shows each row as a multiple of the baseline', () => {
    const stats = (turnsPerSec: number) => ({ turns: 10, errors: 0, seconds: 1, turnsPerSec, p50: 1, p99: 2, max: 3 });
    const table = formatTable(
      [
        { scenario: 'echo', stats: stats(200), concurrency: 4 },
        { scenario: 'store', stats: stats(50), concurrency: 4 },
      ],
      'echo',
    );
    expect(table.split('\n')[3]).toMatch(/^\| store \| 10 \| 4 \| 50 \| .* \| 0\.25 \|$/);
  });

  describe('measureTurns against the echo bot', () => {
    const connector = new BenchConnector();
    const server = createEchoServer();
    let url = '';
    beforeAll(async () => {
      await connector.start();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${server.address().port}`;
    });
    afterAll(async () => {
      server.close();
      await connector.stop();
    });

    it('runs every turn, counts the replies and gives each worker its own rounds', async () => {
      const seen: string[] = [];
      const stats = await measureTurns({
        url,
        total: 30,
        concurrency: 3,
        warmupPerWorker: 1,
        makeActivity: (turn) => {
          seen.push(`${turn.worker}:${turn.round}`);
          return teamsActivity({ serviceUrl: connector.url, user: BENCH_USERS.alex, conversation: personal(BENCH_USERS.alex), text: `hi ${turn.index}` });
        },
      });
      expect(stats).toMatchObject({ turns: 30, errors: 0 });
      expect(stats.p99).toBeGreaterThanOrEqual(stats.p50);
      expect(connector.received).toBe(33); // 30 measured + 3 warm-up replies
      expect(connector.last).toContain('echo: hi');
      for (let w = 0; w < 3; w++) expect(seen.filter((s) => s.startsWith(`${w}:`)).map((s) => Number(s.split(':')[1]))).toEqual([...Array(seen.filter((s) => s.startsWith(`${w}:`)).length).keys()]);
    });

    it('counts a turn answered outside 2xx as an error', async () => {
      const refusing = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.statusCode = 503; // not writeHead(...).end(): restify, loaded by the echo bot, patches writeHead
          res.end();
        });
      });
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
      try {
        const stats = await measureTurns({ url: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, total: 2, concurrency: 1, makeActivity: () => ({ type: 'message' }) });
        expect(stats.errors).toBe(2);
      } finally {
        refusing.close();
      }
    });
  });
});
