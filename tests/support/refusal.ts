/** An invoke answer's body as the tests read it. */
export interface InvokeAnswer {
  statusCode?: number;
  type: string;
  value: unknown;
}

type Node = Record<string, unknown>;
function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    for (const v of Object.values(node)) if (typeof v === 'object') walk(v, visit);
  }
}

/**
 * What a refusal said: the private message, or (for a refused form, answered with the form again)
 * the "Nothing was changed: …" line at the top of the card. Fails the test when it is neither.
 */
export function refusalOf(body: InvokeAnswer): string {
  if (body.type === 'application/vnd.microsoft.activity.message') return String(body.value);
  const card = body.value as { body?: { items?: { text?: string }[] }[] };
  const top = card?.body?.[0]?.items?.[0]?.text;
  if (body.type !== 'application/vnd.microsoft.card.adaptive' || typeof top !== 'string' || !top.startsWith('Nothing was changed: '))
    throw new Error(`not a refusal: ${JSON.stringify(body).slice(0, 300)}`);
  return top;
}

/** A refused form's inputs as it came back: id → the value shown, and the problems marked beside fields (field id → text). */
export function refusedForm(body: InvokeAnswer): { values: Record<string, unknown>; marked: Record<string, string> } {
  if (body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`not a card: ${JSON.stringify(body).slice(0, 300)}`);
  const values: Record<string, unknown> = {};
  const marked: Record<string, string> = {};
  walk(body.value, (n) => {
    const list = ['body', 'items'].flatMap((k) => (Array.isArray(n[k]) ? (n[k] as Node[]) : []));
    list.forEach((el, i) => {
      if (typeof el?.type === 'string' && el.type.startsWith('Input.') && typeof el.id === 'string') {
        if (el.value !== undefined) values[el.id] = el.value;
        const next = list[i + 1];
        if (next?.type === 'TextBlock' && typeof next.text === 'string' && next.text.startsWith('⚠ ')) marked[el.id] = next.text.slice(2);
      }
    });
  });
  return { values, marked };
}
