import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import type { Actor } from '../services/directory/roles';
import type { ConversationRecord } from '../services/conversations';

/** What a handler gets: everything it needs about the turn in one object. */
export interface Turn {
  context: TurnContext;
  actor: Actor;
  conversation: ConversationRecord;
  inChannel: boolean;
}

export interface CommandTurn extends Turn {
  /** The text after the command's name, trimmed. */
  args: string;
}

/** A text command. `name` is matched on whole words, longest first ("dispute raise" before "dispute"). */
export interface Command {
  name: string;
  /** How help shows it, e.g. `dispute <ref>`; defaults to the name. */
  usage?: string;
  /** One line for `help` (and the manifest, for featured commands). */
  description: string;
  /** Listed in the Teams manifest's command menu (at most 10 across the app). */
  featured?: boolean;
  run(turn: CommandTurn): Promise<void>;
}

/**
 * An Action.Execute handler. Returns the card that replaces the clicked one, or a string that
 * Teams shows privately to the person who clicked (the card stays as it was).
 */
export interface CardAction {
  verb: string;
  run(turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard | string>;
}

/** A feature plugs its commands and card verbs into the bot; `help` lists them by title. */
export interface Feature {
  title: string;
  commands: Command[];
  actions: CardAction[];
}
