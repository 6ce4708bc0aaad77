import { cleanText } from '../../services/input';

describe('cleanText, the one input clean-up', () => {
  it('trims a string and cuts it to the limit when one is given', () => {
    expect(cleanText('  Threshold  ')).toBe('Threshold');
    expect(cleanText('  abcdef ', 3)).toBe('abc');
    expect(cleanText('abc', 3)).toBe('abc');
    expect(cleanText(`  ${'x'.repeat(5000)}`)).toHaveLength(5000);
  });

  it('turns anything that is not a string into an empty string', () => {
    for (const value of [undefined, null, 7, true, {}, ['a']]) expect(cleanText(value)).toBe('');
    expect(cleanText('   ')).toBe('');
  });
});
