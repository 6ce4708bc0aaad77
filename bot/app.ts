import { ActivityTypes, CloudAdapter, ConversationReference, INVOKE_RESPONSE_KEY, TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { renderHelp } from '../cards/help';
import type { AdaptiveCard } from '../cards/render';
import { renderNotice } from '../cards/notice';
import { CORE_VERBS } from '../cards/verbs';
import { VERB_DATA } from '../cards/verb-schemas';
import { renderWelcome } from '../cards/welcome';
import type { ConversationKind, ConversationRecord } from '../services/conversations';
import type { Actor } from '../services/directory/roles';
import { isEntraObjectId } from '../services/directory/directory';
import { SYSTEM_ACTOR } from '../services/log/audit-log';
import type { AppServices } from './app-services';
import type { CardAction, Command, Feature, Turn } from './feature';
import { channelConversationId, channelName, channelReference } from './channel-threads';
import { parseCommand } from './command-parser';
import { suggestionFor, takesArguments } from './command-suggestions';
import { replyCard, replyText } from './replies';

/** Answers an invoke with a message Teams shows privately to the person who acted. */
async function sendInvokeMessage(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } } });
}

/** The help command is built from every feature's commands, so it can never leave one out. */
export function helpCommand(features: Feature[]): Command {
  // The commands never change while the bot runs, so each of the two variants is rendered once.
  const rendered = new Map<boolean, AdaptiveCard>();
  const card = (inChannel: boolean): AdaptiveCard => {
    let help = rendered.get(inChannel);
    if (!help) {
      help = renderHelp({
        inChannel,
        groups: features.map((f) => ({
          title: f.title,
          commands: f.commands.map((c) => ({ usage: c.usage ?? c.name, description: c.description })),
        })),
      });
      rendered.set(inChannel, help);
    }
    return structuredClone(help);
  };
  return {
    name: 'help',
    description: 'Every command, with one line each',
    featured: true,
    run: async (turn) => {
      await replyCard(turn.context, card(turn.inChannel));
    },
  };
}

/** The features as the bot serves them: a "Getting started" group holding `help` first, then the rest. */
export function withHelp(featureList: Feature[]): Feature[] {
  const core: Feature = { title: 'Getting started', commands: [], actions: [] };
  const features = [core, ...featureList];
  core.commands.push(helpCommand(features));
  return features;
}

export function allCommands(features: Feature[]): Command[] {
  return features.flatMap((f) => f.commands);
}

function conversationKind(context: TurnContext): ConversationKind {
  const type = context.activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
}

function tenantOf(context: TurnContext): string | undefined {
  const a = context.activity;
  return a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/**
 * Builds the Teams AI application: routes text commands and card verbs to features, records
 * every conversation for proactive messages, welcomes on install, and answers every failure
 * with a short apology instead of silence.
 */
export function buildApplication(adapter: CloudAdapter, services: AppServices, featureList: Feature[]): Application<TurnState> {
  const { config, directory, conversations, logger } = services;
  const app = new Application<TurnState>({
    adapter: adapter as never,
    botAppId: config.credentials?.appId ?? '',
    removeRecipientMention: true,
    startTypingTimer: false,
  });

  const features = withHelp(featureList);
  const commands = allCommands(features);

  /** Resolves who is acting and where; answers and returns undefined when the activity cannot be trusted. */
  const beginTurn = async (context: TurnContext): Promise<Turn | undefined> => {
    const a = context.activity;
    const tenantId = tenantOf(context);
    if (tenantId !== config.tenantId) {
      logger.warn('activity from another tenant refused', { tenantId });
      await replyText(context, 'This bot serves the Warwickshire Safeguarding partnership only; your organisation is not set up to use it.');
      return undefined;
    }
    const aadObjectId = a.from?.aadObjectId;
    if (!isEntraObjectId(aadObjectId)) {
      await replyText(context, 'I could not tell who you are (no Microsoft Entra id on the message), so I have not done anything.');
      return undefined;
    }
    const { known, ...actor } = await directory.actorFor(tenantId, aadObjectId, a.from.name ?? '');
    if (!known) logger.info('sender not in the directory', { activityType: a.type });
    const conversation = await rememberConversation(context, actor);
    return { context, actor, conversation, inChannel: conversation.kind !== 'personal' };
  };

  const rememberConversation = async (context: TurnContext, actor: Actor): Promise<ConversationRecord> => {
    const a = context.activity;
    const kind = conversationKind(context);
    const channelData = (a.channelData ?? {}) as { team?: { id?: string; name?: string }; channel?: { id?: string; name?: string } };
    // Without the activity id: it changes every turn, and a proactive send replies to nothing.
    // A channel is the channel, not the reply thread the message came in (see channel-threads.ts).
    let reference: Partial<ConversationReference> = { ...TurnContext.getConversationReference(a) };
    delete reference.activityId;
    if (kind === 'channel') reference = channelReference(reference);
    return conversations.remember(actor, {
      conversationId: kind === 'channel' ? channelConversationId(a.conversation.id) : a.conversation.id,
      kind,
      name: kind === 'personal' ? actor.name : kind === 'channel' ? channelName(channelData, a.conversation.name) : a.conversation.name,
      ...(kind === 'channel' && channelData.team?.name ? { teamName: channelData.team.name } : {}),
      ...(kind === 'personal' ? { userAadObjectId: actor.aadObjectId } : {}),
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    });
  };

  app.activity(ActivityTypes.Message, async (context) => {
    const turn = await beginTurn(context);
    if (!turn) return;
    const text = (context.activity.text ?? '').trim();
    if (!text) {
      await replyText(context, 'Type **help** to see what I can do.');
      return;
    }
    const parsed = parseCommand(text, commands);
    // A command given words it does not take is a typo of another ("log verfy" is not "log"): say so, do nothing.
    const refusedExtra = parsed && parsed.args && !takesArguments(parsed.command) ? parsed.command : undefined;
    if (!parsed || refusedExtra) {
      const suggestion = suggestionFor(text, commands, refusedExtra);
      await replyText(
        context,
        `I don't know "${text.slice(0, 60)}"${refusedExtra ? `: **${refusedExtra.name}** takes nothing after it, so I have done nothing` : ''}.${suggestion ? ` Did you mean **${suggestion.slice(0, 80)}**?` : ''} Type **help** to see every command.`,
      );
      return;
    }
    await parsed.command.run({ ...turn, args: parsed.args });
  });

  const OUT_OF_DATE = 'That button is out of date, so nothing was changed. Type help to see the commands.';
  const correlationOf = (context: TurnContext): string => String(context.turnState.get('correlationId') ?? context.activity.id ?? 'unknown');
  const apology = (context: TurnContext): string =>
    `Sorry, something went wrong and your click may not have gone through. If it keeps happening, tell the Business Team and quote reference ${correlationOf(context)}.`;

  /**
   * Registers a verb behind its data schema: data that does not fit is an out-of-date button
   * (answered privately, nothing changed), and a handler that throws is a private apology with the
   * correlation id, never a 5xx. A card answer that asks for refresh-for-all needs the clicked
   * message's id; without one (replyToId missing) the card goes back to the clicker only.
   */
  const registerAction = (verb: string, run: CardAction['run']) => {
    const schema = VERB_DATA[verb];
    if (!schema) throw new Error(`The card verb "${verb}" declares no data schema: add one beside the verb in cards/*/verbs.ts`);
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const parsed = schema.safeParse(data ?? {});
      if (!parsed.success) {
        logger.warn('card action with data that does not fit its verb', { verb, field: parsed.error.issues[0]?.path.join('.') });
        return OUT_OF_DATE;
      }
      try {
        const turn = await beginTurn(context);
        if (!turn) return 'Nothing was changed.';
        const result = await run(turn, parsed.data);
        if (typeof result !== 'string' && result.refresh && !context.activity.replyToId) {
          const { refresh, ...card } = result;
          void refresh;
          return card;
        }
        return result;
      } catch (error) {
        logger.error('card action failed', { error, verb, correlationId: correlationOf(context) });
        return apology(context);
      }
    });
  };
  for (const feature of features) for (const action of feature.actions) registerAction(action.verb, (turn, data) => action.run(turn, data));
  registerAction(CORE_VERBS.runCommand, async (turn, data) => {
    const parsed = typeof data.command === 'string' ? parseCommand(data.command, commands) : undefined;
    if (!parsed) return 'That button is out of date. Type help to see the commands.';
    await parsed.command.run({ ...turn, args: parsed.args });
    return 'Done: see the reply below.';
  });

  const welcome = async (context: TurnContext) => {
    const turn = await beginTurn(context);
    if (!turn) return;
    await replyCard(context, renderWelcome({ name: turn.inChannel ? '' : turn.actor.name, inChannel: turn.inChannel, disputeDays: config.domain.disputeMeetingDays }));
  };

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    // The roster of a real install (authenticated whenever credentials are set) names people the directory may not know yet.
    const tenantId = tenantOf(context);
    if (tenantId === config.tenantId) {
      // When the bot itself was added, whoever installed it is a real member too.
      const roster = added.some((m) => m.id === botId) ? [...added, context.activity.from] : added;
      const learned = await directory.learnFromRoster(tenantId, roster.filter((m) => m && m.id !== botId));
      if (learned) logger.info('directory learned people from a roster', { people: learned });
    }
    if (added.some((m) => m.id === botId)) await welcome(context);
  });

  const uninstalled = async (context: TurnContext, reason: string) => {
    const tenantId = tenantOf(context);
    if (tenantId !== config.tenantId) return;
    const existing = await conversations.byConversationId(tenantId, context.activity.conversation.id);
    if (existing) await conversations.markInactive({ ...SYSTEM_ACTOR, tenantId }, tenantId, existing.id, reason);
  };
  app.conversationUpdate('membersRemoved', async (context) => {
    const botId = context.activity.recipient?.id;
    if ((context.activity.membersRemoved ?? []).some((m) => m.id === botId)) await uninstalled(context, 'the app was removed');
  });
  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = String(context.activity.action ?? '');
    if (action.startsWith('remove')) await uninstalled(context, 'the app was uninstalled');
    else await beginTurn(context);
  });

  // Keep this last: the first matching verb wins, so this only answers verbs nobody registered
  // (a card from an older version of the bot), privately, instead of an HTTP 501.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    logger.warn('card action with an unknown verb', { verb: String((context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb).slice(0, 64) });
    return OUT_OF_DATE;
  });

  // Any other invoke (another invoke name, an action that is not Action.Execute, a verb that is
  // not text) reaches no route above: answer it 200 with a private message, never 501.
  app.activity(ActivityTypes.Invoke, async (context) => {
    logger.warn('invoke nobody handles', { name: String(context.activity.name ?? '').slice(0, 64) });
    await sendInvokeMessage(context, OUT_OF_DATE);
  });

  app.error(async (context, error) => {
    logger.error('turn failed', { error, activityType: context.activity?.type, activityId: context.activity?.id, correlationId: correlationOf(context) });
    try {
      if (context.activity?.type === (ActivityTypes.Invoke as string)) {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) await sendInvokeMessage(context, apology(context));
        return;
      }
      // A proactive turn (a reminder, a card update) has nobody to apologise to: its caller sees the error.
      if (context.activity?.type === (ActivityTypes.Event as string) && context.activity.name === 'ContinueConversation') return;
      await replyCard(context, renderNotice({ title: 'Sorry, something went wrong', text: `Your last request may not have gone through: check the card, or try again in a moment. If it keeps happening, tell the Business Team and quote reference ${correlationOf(context)}.`, tone: 'warning' }));
    } catch (sendError) {
      logger.error('could not apologise', { error: sendError });
    }
  });

  return app;
}
