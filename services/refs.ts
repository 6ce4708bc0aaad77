import { CONTAINERS } from './store/containers';
import { Store, updateWithRetry } from './store/port';

interface Counter {
  id: string;
  tenantId: string;
  value: number;
}

/**
 * Short human references (D-7, R-3, REC-12): one counter per prefix and tenant, advanced with
 * IfMatch so two instances never hand out the same number.
 */
export class References {
  constructor(private readonly store: Store) {}

  async next(tenantId: string, prefix: string): Promise<string> {
    const saved = await updateWithRetry<Counter>(this.store, CONTAINERS.counters.name, tenantId, `ref-${prefix}`, (current) => ({
      id: `ref-${prefix}`,
      tenantId,
      value: (current?.value ?? 0) + 1,
    }));
    return `${prefix}-${saved!.value}`;
  }
}

/**
 * The one reference parser: normalises what people type ("d7", "D 7", "d-7") to the stored form
 * ("D-7"). With `bareNumber`, the number alone ("7") is read too (recommendations and actions).
 */
export function normaliseRef(prefix: string, text: string, options: { bareNumber?: boolean } = {}): string | undefined {
  const m = new RegExp(`^\\s*(?:${prefix})${options.bareNumber ? '?' : ''}\\s*-?\\s*(\\d+)\\s*$`, 'i').exec(text ?? '');
  return m ? `${prefix}-${Number(m[1])}` : undefined;
}
