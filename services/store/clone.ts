/**
 * A deep copy of a document: plain objects, arrays and primitives copied field by field, about
 * five times faster than structuredClone for the store's documents (measured on a conversation
 * record: 1.5 µs against 8 µs), which the embedded store copies on every read and write so no
 * caller can change what it holds. Anything else (a Date, a Map) is left to structuredClone, as
 * before, though documents are JSON data: that is how the journal and Cosmos DB keep them.
 */
export function cloneDocument<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneDocument(value[i]);
    return copy as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = cloneDocument((value as Record<string, unknown>)[key]);
    // An own "__proto__" field (JSON.parse makes one from text) stays a field: assigning it would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: field, enumerable: true, writable: true, configurable: true });
    else copy[key] = field;
  }
  return copy as T;
}
