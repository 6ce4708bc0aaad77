import { cloneDocument } from '../../services/store/clone';

describe('cloneDocument (the embedded store copies every document it hands out or keeps)', () => {
  it('copies nested objects and arrays, so changing the copy leaves the original as it was', () => {
    const original = { id: 'd-1', n: 0, neg: -0, none: null, gone: undefined, tags: ['a', ['b']], outbox: [{ kind: 'log', input: { after: 'x' } }] };
    const copy = cloneDocument(original);
    expect(copy).toStrictEqual(original);
    expect(Object.is(copy.neg, -0)).toBe(true);
    expect('gone' in copy).toBe(true);
    copy.tags.push('c');
    (copy.tags[1] as string[]).push('d');
    copy.outbox[0].input.after = 'changed';
    expect(original).toStrictEqual({ id: 'd-1', n: 0, neg: -0, none: null, gone: undefined, tags: ['a', ['b']], outbox: [{ kind: 'log', input: { after: 'x' } }] });
    expect(copy.outbox).not.toBe(original.outbox);
  });

  it('returns primitives as they are', () => {
    for (const v of ['text', 3, true, null, undefined]) expect(cloneDocument(v)).toBe(v);
  });

  it('leaves anything but plain objects and arrays to structuredClone (a Date stays a Date, and a copy)', () => {
    const at = new Date('2026-12-03T10:00:00Z');
    const copy = cloneDocument({ at });
    // (structuredClone makes its Date in Node's own realm, not jest's: compare by tag, not instanceof.)
    expect(Object.prototype.toString.call(copy.at)).toBe('[object Date]');
    expect(copy.at).not.toBe(at);
    expect(copy.at.toISOString()).toBe('2026-12-03T10:00:00.000Z');
  });

  it('keeps an own "__proto__" field (as JSON.parse makes from tampered text) a field, never the prototype', () => {
    const tampered = JSON.parse('{"id":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = cloneDocument(tampered);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['id', '__proto__']);
    expect(JSON.stringify(copy)).toBe('{"id":"x","__proto__":{"polluted":true}}');
  });
});
