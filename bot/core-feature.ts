import { renderLog } from '../cards/log';
import { renderMembers } from '../cards/members';
import { renderNotice } from '../cards/notice';
import { CORE_VERBS } from '../cards/verbs';
import { renderWhoami } from '../cards/whoami';
import { CHANNEL_PURPOSES, describe } from '../services/conversations';
import { describeRoles } from '../services/directory/directory';
import { Actor, DIRECTORY_ROLES, hasRole } from '../services/directory/roles';
import { DomainError, forbidden } from '../services/errors';
import type { LogEntry } from '../services/log/audit-log';
import type { AppServices } from './app-services';
import type { CommandTurn, Feature, Turn } from './feature';
import { refusalText, replyCard, replyRefusal } from './replies';

const LOG_READERS = ['business', 'chair', 'lay'] as const;

/** People, roles, channels and the log: what every later feature stands on. */
export function coreFeature(services: AppServices): Feature {
  const { directory, log, conversations, exportLinks, config } = services;

  const membersCard = async (actor: Actor) => {
    const people = await directory.list(actor.tenantId);
    return renderMembers({
      count: people.length,
      people: people.map((p) => ({ id: p.aadObjectId, name: p.name, roles: describeRoles(p) })),
      canAdmin: hasRole(actor, 'chair', 'business'),
      roleChoices: DIRECTORY_ROLES.map((r) => ({ title: r, value: r })),
    });
  };

  const logCard = (title: string, entries: LogEntry[], exportUrl = '') =>
    renderLog({
      title,
      exportUrl,
      entries: entries.map((e) => ({
        seq: e.seq,
        when: services.time.formatInstant(new Date(e.at)),
        who: e.actor.name,
        action: e.action,
        entity: e.entity.ref ?? `${e.entity.type} ${e.entity.id}`,
        change: [e.before, e.after].filter((x) => x !== undefined).join(' → '),
      })),
    });

  const requireLogReader = (actor: Actor, what: string) => {
    if (!hasRole(actor, ...LOG_READERS)) throw forbidden([...LOG_READERS], what);
  };

  const roleCommand = (change: 'grant' | 'revoke') => async (turn: CommandTurn) => {
    const match = /^(\S+)\s+(.+?)(?:\s+as\s+(.+))?$/i.exec(turn.args);
    if (!match) {
      await replyCard(turn.context, await membersCard(turn.actor));
      return;
    }
    const [, role, who, organisation] = match;
    try {
      const people = await directory.find(turn.actor.tenantId, who);
      if (people.length !== 1)
        throw new DomainError('invalid', people.length ? `"${who}" matches ${people.map((p) => p.name).join(', ')}: be more specific.` : `Nobody called "${who}" is in the directory.`);
      const person =
        change === 'grant'
          ? await directory.grant(turn.actor, people[0].aadObjectId, role.toLowerCase(), organisation)
          : await directory.revoke(turn.actor, people[0].aadObjectId, role.toLowerCase());
      await replyCard(turn.context, renderNotice({ title: `${person.name}: roles updated`, text: `Now: ${describeRoles(person)}.`, tone: 'good' }));
    } catch (err) {
      await replyRefusal(turn.context, err);
    }
  };

  const roleAction = (change: 'grant' | 'revoke') => async (turn: Turn, data: Record<string, unknown>) => {
    try {
      const person = typeof data.person === 'string' ? data.person : '';
      const role = typeof data.role === 'string' ? data.role : '';
      const organisation = typeof data.organisation === 'string' ? data.organisation : undefined;
      if (change === 'grant') await directory.grant(turn.actor, person, role, organisation);
      else await directory.revoke(turn.actor, person, role);
      return await membersCard(turn.actor);
    } catch (err) {
      return refusalText(err);
    }
  };

  const channelCommand = (on: boolean) => async (turn: CommandTurn) => {
    try {
      const purpose = turn.args.trim().toLowerCase();
      if (!purpose) throw new DomainError('invalid', `Say what this channel is for: ${Object.keys(CHANNEL_PURPOSES).join(', ')}.`);
      const saved = await conversations.setPurpose(turn.actor, turn.conversation.conversationId, purpose, on);
      await replyCard(
        turn.context,
        renderNotice({
          title: on ? 'Channel named' : 'Channel name removed',
          text: `${describe(saved)} now serves: ${saved.purposes.map((p) => CHANNEL_PURPOSES[p]).join(', ') || 'nothing in particular'}.`,
          tone: 'good',
        }),
      );
    } catch (err) {
      await replyRefusal(turn.context, err);
    }
  };

  return {
    title: 'People, channels and the log',
    commands: [
      {
        name: 'whoami',
        description: 'Your name, roles and organisation as the bot knows them',
        featured: true,
        run: async (turn) => {
          const person = await directory.get(turn.actor.tenantId, turn.actor.aadObjectId);
          await replyCard(
            turn.context,
            renderWhoami({
              name: turn.actor.name,
              aadObjectId: turn.actor.aadObjectId,
              roles: person?.roles.length ? person.roles.join(', ') : 'none yet',
              organisation: person?.organisation ?? '—',
              hint: person?.roles.length ? 'Type help to see what you can do.' : 'Ask the Business Team to give you a role.',
            }),
          );
        },
      },
      {
        name: 'members',
        description: 'The partnership directory; the chair and the Business Team can grant and revoke roles here',
        featured: true,
        run: async (turn) => {
          await replyCard(turn.context, await membersCard(turn.actor));
        },
      },
      { name: 'grant', usage: 'grant <role> <person> [as <organisation>]', description: 'Give a person a role (chair or Business Team)', run: roleCommand('grant') },
      { name: 'revoke', usage: 'revoke <role> <person>', description: 'Take a role away (chair or Business Team)', run: roleCommand('revoke') },
      {
        name: 'channels',
        description: 'Where the bot is installed and what each channel is for',
        run: async (turn) => {
          const all = await conversations.list(turn.actor.tenantId);
          await replyCard(
            turn.context,
            renderNotice({
              title: 'Where the bot is installed',
              text: all.length ? 'Name a channel with **channel set <purpose>** in that channel.' : 'Nowhere yet.',
              facts: all
                .filter((c) => c.kind !== 'personal')
                .map((c) => ({
                  title: describe(c),
                  value: `${c.active ? 'active' : 'inactive'}${c.paused ? ', reminders paused' : ''}; ${c.purposes.map((p) => CHANNEL_PURPOSES[p]).join(', ') || 'no purpose'}`,
                })),
            }),
          );
        },
      },
      {
        name: 'channel set',
        usage: `channel set <${Object.keys(CHANNEL_PURPOSES).join(' | ')}>`,
        description: 'Name this channel for a purpose (Business Team)',
        run: channelCommand(true),
      },
      { name: 'channel unset', usage: 'channel unset <purpose>', description: 'Remove a purpose from this channel (Business Team)', run: channelCommand(false) },
      {
        name: 'log',
        description: 'The 10 most recent log entries (Business Team, chair, lay members)',
        run: async (turn) => {
          try {
            requireLogReader(turn.actor, 'read the log');
            await replyCard(turn.context, logCard('Recent log entries', await log.recent(turn.actor.tenantId, 10)));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'log verify',
        description: 'Check the log\'s hash chain and name the first broken link (Business Team)',
        run: async (turn) => {
          try {
            if (!hasRole(turn.actor, 'business')) throw forbidden(['business'], 'verify the log');
            const result = await log.verify(turn.actor.tenantId);
            await replyCard(
              turn.context,
              result.ok
                ? renderNotice({ title: 'The log is intact', text: `All ${result.entries} entries link up and none was altered.${result.pending ? ` ${result.pending} more recorded in the last moments are waiting to join the chain; none of them was altered either.` : ''}`, tone: 'good' })
                : renderNotice({ title: `The log is broken at entry ${result.brokenAt}`, text: `${result.reason}. Entries before it are intact. Report this to the Business Manager.`, tone: 'warning' }),
            );
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'log export',
        description: 'A download link (valid 15 minutes) for the whole log as CSV, for the annual report and scrutiny',
        run: async (turn) => {
          try {
            requireLogReader(turn.actor, 'export the log');
            const token = exportLinks.create(turn.actor.tenantId, turn.actor.aadObjectId);
            const url = `${config.publicUrl}/exports/log.csv?token=${encodeURIComponent(token)}`;
            await log.append(turn.actor, turn.actor.tenantId, { action: 'log.exported', entity: { type: 'log', id: turn.actor.tenantId }, after: 'CSV link issued' });
            await replyCard(turn.context, logCard('Log export ready: the link works for 15 minutes', [], url));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [
      { verb: CORE_VERBS.grantRole, run: roleAction('grant') },
      { verb: CORE_VERBS.revokeRole, run: roleAction('revoke') },
    ],
  };
}
