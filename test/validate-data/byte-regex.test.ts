import { describe, expect, it } from 'vitest';
import { compileByteDfa, dfaMatch, NOT_ASCII } from '../../shared/schema/byte-regex.js';
import { compilePattern } from '../../shared/schema/load.js';
import { seededInt } from '../helpers/seeded-random.js';

// The byte DFA must answer exactly as the anchored RegExp does, or not be built at all.
const SUPPORTED = [
  '[a-z]+ [a-z]+',
  'C[0-9]{6}',
  '[A-Z]{2}\\d+',
  '\\d{3}-\\d{2}-\\d{4}',
  'a|b|cd',
  '(ab)*c?',
  '(?:x|yz){2,3}',
  '(?<code>[A-F]{1,3})-\\w+',
  '[^,\\s]+',
  '.*@.*\\..+',
  'a{2,}b{0,1}',
  '[-a-c]+[a-c-]*',
  '\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\^\\$\\\\',
  '\\S+\\s\\W\\D',
  '[\\d\\-x]+',
  'a+?b*?c??',
  '\\x41\\t',
  '[]|z',
  '[^]',
  '',
];
const UNSUPPORTED = ['^abc', 'abc$', '(a)\\1', 'a(?=b)', '(?<!a)b', '\\bword\\b', '\\p{L}+', 'é+', '[[:alpha:]]', 'a**'];


function sampleStrings(pattern: string, count: number): string[] {
  const next = seededInt(pattern.length + 17);
  const alphabet = `${pattern.replace(/[\\[\](){}|?*+^$]/g, '')}aAzZ09 -_.,@\t\n\r`;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = next(14);
    for (let k = 0; k < length; k++) text += next(5) === 0 ? String.fromCharCode(next(128)) : alphabet[next(alphabet.length)];
    out.push(text);
  }
  return out;
}

describe('byte DFA for anchored patterns', () => {
  it.each(SUPPORTED)('agrees with the RegExp for %j', (pattern) => {
    const regex = compilePattern(pattern) as RegExp;
    const dfa = compileByteDfa(pattern, regex);
    expect(dfa).toBeDefined();
    const strings = [...sampleStrings(pattern, 4000), 'abc def', 'C123456', 'C12345', 'AB12', '123-45-6789', 'ab@c.d', 'xyzyz', 'ABC-x_1'];
    for (const text of strings) {
      const bytes = Buffer.from(text, 'latin1');
      expect([text, dfaMatch(dfa!, bytes, 0, bytes.length)]).toEqual([text, regex.test(text) ? 1 : 0]);
    }
  });

  it.each(UNSUPPORTED)('is not built for %j (the RegExp decides)', (pattern) => {
    const regex = compilePattern(pattern);
    expect(typeof regex === 'string' ? undefined : compileByteDfa(pattern, regex)).toBeUndefined();
  });

  it('leaves cells with non-ASCII bytes to the RegExp', () => {
    const regex = compilePattern('.+') as RegExp;
    const dfa = compileByteDfa('.+', regex)!;
    const bytes = Buffer.from('café', 'utf8');
    expect(dfaMatch(dfa, bytes, 0, bytes.length)).toBe(NOT_ASCII);
    const mismatch = Buffer.from('\ncafé', 'utf8');
    expect(dfaMatch(dfa, mismatch, 0, mismatch.length)).toBe(NOT_ASCII);
  });

  it('reads the cell between start and end only', () => {
    const regex = compilePattern('C[0-9]{3}') as RegExp;
    const dfa = compileByteDfa('C[0-9]{3}', regex)!;
    const bytes = Buffer.from('xxC123,C12,C1234');
    expect(dfaMatch(dfa, bytes, 2, 6)).toBe(1);
    expect(dfaMatch(dfa, bytes, 7, 10)).toBe(0);
    expect(dfaMatch(dfa, bytes, 11, 16)).toBe(0);
  });

  it('gives up on patterns whose automaton would be too big', () => {
    const pattern = '(a|b)*a(a|b){14}';
    expect(compileByteDfa(pattern, compilePattern(pattern) as RegExp)).toBeUndefined();
  });
});
