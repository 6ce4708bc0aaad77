import type { Command } from './feature';

const words = (text: string): string[] => text.toLowerCase().trim().split(/\s+/).filter(Boolean);

/** Finds the command whose name matches the most leading words of the text. */
export function parseCommand(text: string, commands: Command[]): { command: Command; args: string } | undefined {
  const given = words(text);
  const original = text.trim().split(/\s+/);
  let best: Command | undefined;
  let bestLength = 0;
  for (const command of commands) {
    const name = words(command.name);
    if (name.length > given.length || name.length <= bestLength) continue;
    if (name.every((w, i) => given[i] === w)) {
      best = command;
      bestLength = name.length;
    }
  }
  return best ? { command: best, args: original.slice(bestLength).join(' ') } : undefined;
}

/** The command closest to what was typed (edit distance on the first words), if any is close. */
export function nearestCommand(text: string, commands: Command[]): Command | undefined {
  const given = words(text);
  let best: Command | undefined;
  let bestScore = Infinity;
  for (const command of commands) {
    const name = command.name.toLowerCase();
    const typed = given.slice(0, words(name).length).join(' ');
    const score = editDistance(typed, name);
    if (score < bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best && bestScore <= Math.max(2, Math.floor(best.name.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
