import { renderLog } from '../cards/log';
import { renderMembers } from '../cards/members';
import { renderNotice } from '../cards/notice';
import { CORE_VERBS } from '../cards/verbs';
import { renderWhoami } from '../cards/whoami';
import { CHANNEL_PURPOSES, conversationName } from '../services/conversations';
import { Person, describeRoles } from '../services/directory/directory';
import { Actor, DIRECTORY_ROLES, Role, hasRole } from '../services/directory/roles';
import { DomainError } from '../services/errors';
import type { LogEntry } from '../services/log/audit-log';
import { LOG_PAGE_SIZE, assertLogReader, parseLogFilter } from '../services/log/log-view';
import { editDistance } from './command-parser';
import type { AppServices } from './app-services';
import type { CommandTurn, Feature, Turn } from './feature';
import { refusedForm, replyCard, replyRefusal, replyText } from './replies';

/** People, roles, channels and the log: what every later feature stands on. */
/** What a grant or revoke changed, in a sentence: "Lynne Robbins is now a partner (Warwickshire Police)". */
export function roleChangeText(change: 'grant' | 'revoke', before: Person, after: Person, role: string): { title: string; changed: boolean } {
  const ROLE_WORDS: Record<string, string> = { chair: 'the Independent Chair', partner: 'a partner', business: 'in the Business Team', member: 'a partnership group member', lay: 'a lay member' };
  const words = ROLE_WORDS[role] ?? role;
  const had = before.roles.includes(role as Role);
  const has = after.roles.includes(role as Role);
  const org = role === 'partner' && after.organisation ? ` (${after.organisation})` : '';
  if (change === 'grant')
    return had && before.organisation === after.organisation ? { title: `${after.name} was already ${words}${org}; nothing changed`, changed: false } : { title: `${after.name} is now ${words}${org}`, changed: true };
  return had && !has ? { title: `${after.name} is no longer ${words}`, changed: true } : { title: `${after.name} was not ${words}; nothing changed`, changed: false };
}

export function coreFeature(services: AppServices): Feature {
  const { directory, log, conversations, exportLinks, config } = services;
  const { logView } = services;

  const membersCard = async (actor: Actor, changed = '') => {
    const people = await directory.list(actor.tenantId);
    return renderMembers({
      changed,
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

  const requireLogReader = (actor: Actor, what: string) => assertLogReader(actor, what);

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
      const what = roleChangeText(change, people[0], person, role.toLowerCase());
      await replyCard(turn.context, renderNotice({ title: what.title, text: `Roles now: ${describeRoles(person)}.`, tone: what.changed ? 'good' : 'default' }));
    } catch (err) {
      await replyRefusal(turn.context, err);
    }
  };

  const roleAction = (change: 'grant' | 'revoke') => async (turn: Turn, data: Record<string, unknown>) => {
    try {
      const person = typeof data.person === 'string' ? data.person : '';
      const role = typeof data.role === 'string' ? data.role : '';
      const organisation = typeof data.organisation === 'string' ? data.organisation : undefined;
      const before = await directory.get(turn.actor.tenantId, person);
      const after = change === 'grant' ? await directory.grant(turn.actor, person, role, organisation) : await directory.revoke(turn.actor, person, role);
      const what = before ? roleChangeText(change, before, after, role.toLowerCase()) : undefined;
      return await membersCard(turn.actor, what ? `${what.title}. Roles now: ${describeRoles(after)}.` : '');
    } catch (err) {
      return refusedForm(err, data, () => membersCard(turn.actor));
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
          text: `${conversationName(saved)} now serves: ${saved.purposes.map((p) => CHANNEL_PURPOSES[p]).join(', ') || 'nothing in particular'}.`,
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
        name: 'person add',
        usage: 'person add <object id> <name>',
        description: 'Add someone the bot has not met to the directory, with no roles (Business Team)',
        run: async (turn) => {
          try {
            const match = /^(\S+)\s+(.+)$/.exec(turn.args);
            const person = await directory.add(turn.actor, match?.[1] ?? turn.args, match?.[2] ?? '');
            await replyCard(turn.context, renderNotice({ title: `${person.name} added to the directory`, text: `No roles yet: type **grant <role> ${person.name}** to give one.`, tone: 'good' }));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'channels',
        description: 'Where the bot is installed and what each channel is for',
        run: async (turn) => {
          const all = await conversations.list(turn.actor.tenantId);
          await replyCard(
            turn.context,
            renderNotice({
              title: 'Where the bot is installed',
              text: all.length ? `Name a channel by typing **channel set** and its purpose (${Object.keys(CHANNEL_PURPOSES).join(', ')}) in that channel.` : 'Nowhere yet.',
              facts: all
                .filter((c) => c.kind !== 'personal')
                .map((c) => ({
                  title: conversationName(c),
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
        usage: 'log [<ref>] [by <person>] [kind <kind>] [all] [page <n>]',
        description: `The latest ${LOG_PAGE_SIZE} log entries, or those of one entity (log D-1), person (log by Megan) or kind (log kind vote); reminder bookkeeping only with "all" (Business Team, chair, lay members)`,
        run: async (turn) => {
          try {
            const parsed = parseLogFilter(turn.args);
            if (!parsed.ok) {
              // "log verfy" must never show the log as if it had been verified.
              const meant = ['verify', 'export'].find((w) => editDistance(parsed.unknown.toLowerCase(), w) <= 2);
              await replyText(
                turn.context,
                `I don't know "log ${turn.args.slice(0, 60)}": "${parsed.unknown.slice(0, 30)}" is not a log filter, so I have done nothing.${meant ? ` Did you mean **log ${meant}**?` : ''} Filters: a reference (D-1), **by** a person, **kind** (dispute, vote, role...), **all**, **page** 2.`,
              );
              return;
            }
            const { filter } = parsed;
            const view = await logView.page(turn.actor, filter);
            const what = [filter.ref, filter.by && `by ${filter.by}`, filter.kind && `kind ${filter.kind}`].filter(Boolean).join(', ');
            const title = `${what ? `Log entries: ${what}` : 'Recent log entries'}${view.pages > 1 ? ` (page ${view.page} of ${view.pages}, ${view.total} entries)` : ''}${filter.all ? '' : '; reminder bookkeeping hidden (add "all")'}`;
            await replyCard(turn.context, logCard(title, view.entries));
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
            const result = await logView.verify(turn.actor);
            if (!result.ok) {
              await replyCard(turn.context, renderNotice({ title: `The log is broken at entry ${result.brokenAt}`, text: `${result.reason}. Entries before it are intact. Report this to the Business Manager.`, tone: 'warning' }));
              return;
            }
            const { replay } = result;
            await replyCard(
              turn.context,
              replay.ok
                ? renderNotice({ title: 'The log is intact', text: `All ${result.entries} entries link up and none was altered.${result.pending ? ` ${result.pending} more recorded in the last moments are waiting to join the chain; none of them was altered either.` : ''} All ${replay.documents} votes, recommendations, disputes, reviews and actions in the store are accounted for by the log.`, tone: 'good' })
                : renderNotice({
                    title: `The log is intact, but ${replay.findings.length} stored document${replay.findings.length === 1 ? '' : 's'} ${replay.findings.length === 1 ? 'does' : 'do'} not match it`,
                    text: `${replay.findings.slice(0, 10).map((x) => `${x.container}/${x.id}: ${x.problem}`).join('. ')}${replay.findings.length > 10 ? `. And ${replay.findings.length - 10} more` : ''}. These were changed outside the bot. Report this to the Business Manager.`,
                    tone: 'warning',
                  }),
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
            const entries = await logView.count(turn.actor);
            await replyCard(turn.context, logCard(`Log export ready: ${entries} entries; the link works for 15 minutes`, [], url));
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
