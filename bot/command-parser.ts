import type { Command } from './feature';

const words = (text: string): string[] => text.toLowerCase().trim().split(/\s+/).filter(Boolean);

/** The first `count` words of the text, lower-cased, without splitting the rest of it. */
function leadingWords(text: string, count: number): string[] {
  const found: string[] = [];
  const pattern = /\S+/g;
  for (let m = pattern.exec(text); m && found.length < count; m = pattern.exec(text)) found.push(m[0].toLowerCase());
  return found;
}

/** Finds the command whose name matches the most leading words of the text. */
export function parseCommand(text: string, commands: Command[]): { command: Command; args: string } | undefined {
  const given = leadingWords(text, Math.max(0, ...commands.map((c) => words(c.name).length)));
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
  return best ? { command: best, args: text.trim().split(/\s+/).slice(bestLength).join(' ') } : undefined;
}

const closeEnough = (name: string): number => Math.max(2, Math.floor(name.length / 3));

/**
 * The command closest to what was typed (edit distance on the first words), if any is close.
 * Only the first few words are looked at, and a candidate whose length alone rules it out is not
 * compared at all, so the cost does not grow with the message (a 28 KB word costs nothing).
 */
export function nearestCommand(text: string, commands: Command[]): Command | undefined {
  const longest = Math.max(0, ...commands.map((c) => words(c.name).length));
  const given = leadingWords(text, longest);
  let best: Command | undefined;
  let bestScore = Infinity;
  for (const command of commands) {
    const name = command.name.toLowerCase();
    const typed = given.slice(0, words(name).length).join(' ');
    // The edit distance is at least the difference in length.
    if (Math.abs(typed.length - name.length) > closeEnough(name)) continue;
    const score = editDistance(typed, name);
    if (score < bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best && bestScore <= closeEnough(best.name.toLowerCase()) ? best : undefined;
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
