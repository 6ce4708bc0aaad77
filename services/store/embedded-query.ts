import { Condition, Doc, Query, fieldValue } from './port';

function comparable(v: unknown): string | number | boolean | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? null : JSON.stringify(v);
}

/** Whether `doc` meets one condition of a query, with Cosmos DB's rules for absent fields and mixed types. */
export function matches(doc: Doc, cond: Condition): boolean {
  const actual = fieldValue(doc, cond.field);
  switch (cond.op) {
    case '=':
      return actual === cond.value;
    case '!=':
      // Like Cosmos: a comparison with an absent field is undefined, so the document does not match.
      return actual !== undefined && actual !== cond.value;
    case 'in':
      return Array.isArray(cond.value) && cond.value.includes(actual);
    default: {
      // Like Cosmos: a range comparison between different types (or with undefined) is false.
      if (actual === undefined || typeof actual !== typeof cond.value) return false;
      const a = actual as string | number;
      const b = cond.value as string | number;
      return cond.op === '<' ? a < b : cond.op === '<=' ? a <= b : cond.op === '>' ? a > b : a >= b;
    }
  }
}

/** ORDER BY over several fields; an absent field sorts first, as in Cosmos DB. */
export function compareBy(a: Doc, b: Doc, orderBy: NonNullable<Query['orderBy']>): number {
  for (const { field, direction } of orderBy) {
    const x = comparable(fieldValue(a, field));
    const y = comparable(fieldValue(b, field));
    if (x === y) continue;
    const sign = direction === 'desc' ? -1 : 1;
    if (x === null) return -sign;
    if (y === null) return sign;
    return (x < y ? -1 : 1) * sign;
  }
  return 0;
}

/** The bounds an indexed condition reads from an ordered index (`!=` and `in` are never read from one). */
export function indexRange(cond: Condition): {
  from?: { value: string | number; after: boolean };
  to?: { value: string | number; inclusive: boolean };
} {
  const value = cond.value as string | number;
  const from = cond.op === '=' || cond.op === '>=' ? { value, after: false } : cond.op === '>' ? { value, after: true } : undefined;
  const to = cond.op === '=' || cond.op === '<=' ? { value, inclusive: true } : cond.op === '<' ? { value, inclusive: false } : undefined;
  return { from, to };
}
