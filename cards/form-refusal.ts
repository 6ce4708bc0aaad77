import type { AdaptiveCard } from './render';

/** Why a form was refused, in words for the person who pressed the button, and the input it concerns. */
export interface FormProblem {
  message: string;
  /** The id of the input the problem is about; none (or one the card lacks) puts it at the top only. */
  field?: string;
  /** When two forms on one card share input ids: the title of the button that opens the one sent (only it is filled and marked). */
  within?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What an input shows again: the text, date or choice as it was sent (a choice set's values are comma-separated). */
function typedValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const marker = (message: string): Json => ({ type: 'TextBlock', text: `⚠ ${message}`, color: 'Attention', weight: 'Bolder', wrap: true, spacing: 'None', size: 'Small' });

/** Walks one card (and the cards its show-card buttons open): fills inputs, marks the field. Returns whether the field was found. */
function fill(card: Json, typed: Json, problem: FormProblem, path: string[]): { card: Json; foundIn?: string[] } {
  let foundIn: string[] | undefined;
  const walkElements = (elements: unknown, where: string[]): unknown => {
    if (!Array.isArray(elements)) return elements;
    const out: unknown[] = [];
    for (const element of elements) {
      if (!isObject(element)) {
        out.push(element);
        continue;
      }
      let next: Json = { ...element };
      const type = typeof next.type === 'string' ? next.type : '';
      if (type.startsWith('Input.') && typeof next.id === 'string') {
        const value = typedValue(typed[next.id]);
        if (value !== undefined && (!problem.within || where.length === 0 || where.includes(problem.within))) next.value = value;
        if (problem.field && next.id === problem.field && (!problem.within || where.includes(problem.within))) {
          foundIn ??= where;
          out.push(next, marker(problem.message));
          continue;
        }
      }
      for (const key of ['items', 'body', 'columns', 'cards']) if (Array.isArray(next[key])) next = { ...next, [key]: walkElements(next[key], where) };
      if (Array.isArray(next.actions)) next = { ...next, actions: walkActions(next.actions, where) };
      out.push(next);
    }
    return out;
  };
  const walkActions = (actions: unknown[], where: string[]): unknown[] =>
    actions.map((action) => {
      if (!isObject(action) || action.type !== 'Action.ShowCard' || !isObject(action.card)) return action;
      const inner = fill(action.card, typed, problem, [...where, typeof action.title === 'string' ? action.title : '']);
      foundIn ??= inner.foundIn;
      return { ...action, card: inner.card };
    });
  let next: Json = { ...card };
  if (Array.isArray(next.body)) next = { ...next, body: walkElements(next.body, path) };
  if (Array.isArray(next.actions)) next = { ...next, actions: walkActions(next.actions, path) };
  return { card: next, foundIn };
}

/**
 * The same form again after a refusal: every input shows what was typed, the problem is marked
 * beside its field, and a line at the top says nothing was changed (and, when the field is
 * behind a button such as "Sign off stage 4", which button to open). Teams shows the returned
 * card to the person who pressed the button only, so nobody else sees their draft.
 */
export function keepTyped(card: AdaptiveCard, typed: Record<string, unknown>, problem: FormProblem): AdaptiveCard {
  const { card: filled, foundIn } = fill(card, typed, problem, []);
  const behind = foundIn?.filter(Boolean) ?? [];
  const where = behind.length ? ` Open "${behind.join('" then "')}": what you typed is kept.` : ' What you typed is kept below.';
  const banner: Json = {
    type: 'Container',
    style: 'attention',
    items: [{ type: 'TextBlock', text: `Nothing was changed: ${problem.message}${where}`, wrap: true, weight: 'Bolder' }],
  };
  const body = Array.isArray(filled.body) ? filled.body : [];
  return { ...filled, type: 'AdaptiveCard', body: [banner, ...body] };
}
