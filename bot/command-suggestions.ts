import type { Command } from './feature';
import { nearestCommand } from './command-parser';

/** Words people type for a thing rather than the command's name: each points at the command to suggest. */
export const COMMON_WORDS: Record<string, string> = {
  vote: 'recommendations',
  votes: 'recommendations',
  voting: 'recommendations',
  ballot: 'recommendations',
  decision: 'recommendations',
  decisions: 'recommendations',
  dispute: 'disputes',
  meeting: 'disputes',
  review: 'reviews',
  hub: 'reviews',
  hubs: 'reviews',
  case: 'case reviews',
  cases: 'case reviews',
  audit: 'log',
  history: 'log',
  export: 'log export',
  verify: 'log verify',
  people: 'members',
  directory: 'members',
  roles: 'members',
  role: 'whoami',
  me: 'whoami',
  todo: 'my actions',
  tasks: 'my actions',
  task: 'my actions',
  remind: 'reminders',
  commands: 'help',
  menu: 'help',
};

/** A command that takes words after its name shows them in its usage (`dispute <ref>`); `help` shows help whatever follows it. */
export const takesArguments = (command: Command): boolean => command.name === 'help' || (command.usage ?? command.name) !== command.name;

/**
 * What to suggest for text that is not a command as typed: a command with a typo or a missing
 * word ("log verfy" → "log verify"), a command given words it does not take ("disputes D-1" →
 * "dispute D-1"), or a common word ("votes" → "recommendations"). `exclude` is a command that
 * matched but refused the extra words.
 */
export function suggestionFor(text: string, commands: Command[], exclude?: Command): string | undefined {
  const candidates = exclude ? commands.filter((c) => c !== exclude) : commands;
  const nearest = nearestCommand(text, candidates);
  const words = text.trim().split(/\s+/);
  if (nearest) {
    const rest = words.slice(nearest.name.split(/\s+/).length);
    return takesArguments(nearest) && rest.length ? `${nearest.name} ${rest.join(' ')}` : nearest.name;
  }
  const common = COMMON_WORDS[words[0]?.toLowerCase() ?? ''];
  return common && candidates.some((c) => c.name === common) ? common : undefined;
}
