#!/usr/bin/env node
// `npm run test:mutation [-- name ...]`: Stryker over the core rule files, one file per run, each
// against only the tests that guard it, then the score per file into docs/TESTING.md.
// Not part of `npm test`: a full run takes tens of minutes on two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The core rule files. `files` lists where the file may live (first that exists wins: the delivery
 * code is moving from services/reminders/ to services/delivery/); `tests` the test files that guard it.
 */
const TARGETS = [
  { name: 'decision-rule', files: ['services/recommendations/decision-rule.ts'], tests: ['tests/unit/decision-rule.test.ts'] },
  {
    name: 'dispute-rules',
    files: ['services/disputes/dispute.ts'],
    tests: ['tests/unit/disputes-rules.test.ts', 'tests/unit/disputes-rules-edges.test.ts', 'tests/unit/disputes-clock.test.ts', 'tests/unit/rule-guards.test.ts'],
  },
  {
    name: 'review-dates',
    files: ['services/reviews/dates.ts', 'services/reviews/review-dates.ts'],
    tests: ['tests/unit/reviews-dates.test.ts', 'tests/unit/rule-guards.test.ts'],
  },
  {
    name: 'review-rules',
    files: ['services/reviews/review-rules.ts', 'services/reviews/rules.ts'],
    tests: ['tests/unit/reviews-rules.test.ts', 'tests/unit/reviews-service.test.ts', 'tests/unit/rule-guards.test.ts'],
  },
  { name: 'calendar-time', files: ['services/time.ts'], tests: ['tests/unit/time.test.ts', 'tests/unit/working-days.test.ts'] },
  { name: 'working-days', files: ['services/working-days.ts'], tests: ['tests/unit/working-days.test.ts'] },
  {
    name: 'rate-limiter',
    files: ['services/delivery/rate-limiter.ts', 'services/reminders/rate-limiter.ts'],
    tests: ['tests/unit/delivery/rate-limiter.test.ts', 'tests/unit/reminders/rate-limiter.test.ts'],
  },
  {
    name: 'audit-log',
    files: ['services/log/audit-log.ts'],
    tests: ['tests/unit/audit-log.test.ts', 'tests/unit/audit-log-edges.test.ts', 'tests/unit/log-witness.test.ts', 'tests/unit/log-replay.test.ts', 'tests/unit/rule-guards.test.ts'],
  },
];

const wanted = process.argv.slice(2);
const chosen = wanted.length ? wanted.map((name) => TARGETS.find((t) => t.name === name)).filter(Boolean) : TARGETS;
if (chosen.length !== (wanted.length || TARGETS.length)) {
  console.error(`unknown target; choose from: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}

const rows = [];
for (const target of chosen) {
  const file = target.files.find((f) => existsSync(f));
  if (!file) {
    console.log(`${target.name}: no file yet (${target.files.join(' or ')}), skipped`);
    rows.push({ name: target.name, file: target.files[0], missing: true });
    continue;
  }
  const tests = target.tests.filter((t) => existsSync(t));
  console.log(`\n== ${target.name}: ${file} against ${tests.join(', ')}`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', '--mutate', file], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_NAME: target.name, MUTATION_TESTS: tests.join(',') },
  });
  if (run.status !== 0) {
    console.error(`${target.name}: stryker exited ${run.status}`);
    process.exit(run.status ?? 1);
  }
  // Written after each target, so a long run that is stopped keeps the scores it has.
  writeScores([{ name: target.name, file, tests, ...score(`reports/mutation/${target.name}.json`) }]);
}
writeScores(rows);

/** Counts from Stryker's JSON report (mutation-testing-report-schema). */
function score(reportPath) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 };
  const survivors = [];
  for (const [path, f] of Object.entries(report.files)) {
    for (const m of f.mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survivors.push(`${path}:${m.location.start.line} ${m.mutatorName}${m.replacement ? ` → \`${oneLine(m.replacement)}\`` : ''}`);
      }
    }
  }
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  return { ...counts, detected, valid, score: valid ? (100 * detected) / valid : 100, survivors };
}

function oneLine(s) {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/** Replaces the lines between the markers in docs/TESTING.md, keeping rows of files not run this time. */
function writeScores(fresh) {
  const doc = 'docs/TESTING.md';
  const begin = '<!-- mutation-scores:begin -->';
  const end = '<!-- mutation-scores:end -->';
  const text = readFileSync(doc, 'utf8');
  const [head, rest] = text.split(begin);
  if (rest === undefined || !rest.includes(end)) throw new Error(`${doc} lacks the ${begin} … ${end} markers`);
  const [old, tail] = rest.split(end);
  const kept = new Map(
    old
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => [l.split('|')[1].trim(), l]),
  );
  const date = new Date().toISOString().slice(0, 10);
  for (const r of fresh) {
    const key = `\`${r.name}\``;
    kept.set(
      key,
      r.missing
        ? `| ${key} | ${r.file} | not yet written | | | | |`
        : `| ${key} | ${r.file} | **${r.score.toFixed(1)}%** | ${r.Killed} | ${r.Timeout} | ${r.Survived + r.NoCoverage} | ${date} |`,
    );
  }
  const order = TARGETS.map((t) => `\`${t.name}\``);
  const table = [
    '| target | file | score | killed | timeout | survived | run |',
    '|---|---|---|---|---|---|---|',
    ...order.filter((k) => kept.has(k)).map((k) => kept.get(k)),
  ].join('\n');
  writeFileSync(doc, `${head}${begin}\n${table}\n${end}${tail}`);
  for (const r of fresh.filter((x) => !x.missing && x.survivors.length)) {
    console.log(`\n${r.name}: ${r.survivors.length} surviving mutants`);
    for (const s of r.survivors) console.log(`  ${s}`);
  }
}
