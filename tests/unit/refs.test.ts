import { References, normaliseRef } from '../../services/refs';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import { tempStore } from '../support/temp-store';

describe('References', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let refs: References;

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    refs = new References(store);
  });
  afterEach(() => dispose());

  it('counts from 1 per prefix and per tenant', async () => {
    expect(await refs.next('t1', 'D')).toBe('D-1');
    expect(await refs.next('t1', 'D')).toBe('D-2');
    expect(await refs.next('t1', 'R')).toBe('R-1');
    expect(await refs.next('t2', 'D')).toBe('D-1');
    expect(await refs.next('t1', 'D')).toBe('D-3');
  });

  it('never hands out one number twice, even to concurrent callers on separate instances', async () => {
    const other = new References(store);
    const given = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? refs : other).next('t1', 'REC')));
    expect(new Set(given).size).toBe(12);
    expect(given.map((r) => Number(r.split('-')[1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('carries on after a restart', async () => {
    await refs.next('t1', 'D');
    await refs.next('t1', 'D');
    expect(await new References(store).next('t1', 'D')).toBe('D-3');
  });
});

describe('normaliseRef', () => {
  it.each([
    ['D-7', 'D-7'],
    ['d7', 'D-7'],
    ['d 7', 'D-7'],
    [' D - 07 ', 'D-7'],
    ['d-12', 'D-12'],
  ])('reads %j as %s', (text, expected) => {
    expect(normaliseRef('D', text)).toBe(expected);
  });

  it.each(['R-7', 'D-', 'D-x', 'D-7 please', 'DD-7', ''])('does not read %j as a D reference', (text) => {
    expect(normaliseRef('D', text)).toBeUndefined();
  });
});

describe('normaliseRef with the number alone allowed (recommendations, actions)', () => {
  it.each([
    ['REC-4', 'REC-4'],
    ['rec4', 'REC-4'],
    ['rec-04', 'REC-4'],
    [' 4 ', 'REC-4'],
  ])('reads %j as %s', (text, expected) => {
    expect(normaliseRef('REC', text, { bareNumber: true })).toBe(expected);
  });

  it.each(['C4', 'RE4', 'REC', 'REC-4x', 'A-4', ''])('does not read %j as a REC reference', (text) => {
    expect(normaliseRef('REC', text, { bareNumber: true })).toBeUndefined();
  });

  it('still needs the prefix without the option', () => {
    expect(normaliseRef('D', '7')).toBeUndefined();
  });
});
