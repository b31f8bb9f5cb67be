/**
 * Anchored patterns as a DFA over ASCII bytes, so the CSV row loop can check a `pattern`
 * constraint without making a string per cell. Only a subset of JavaScript's regular expressions
 * is compiled (literals, classes, `.`, groups, alternation, quantifiers); anything else, and any
 * cell with a non-ASCII byte, is left to the RegExp, which stays the reference.
 */
export interface ByteDfa {
  /** Next state for (state, byte): `table[state * 128 + byte]`; -1 is the dead state. */
  table: Int32Array;
  accept: Uint8Array;
}

/** dfaMatch's answer for a cell with a byte >= 0x80: ask the RegExp. */
export const NOT_ASCII = -1;

/** 1 when the whole cell matches, 0 when it does not, NOT_ASCII when the DFA cannot tell. */
export function dfaMatch(dfa: ByteDfa, buf: Uint8Array, start: number, end: number): number {
  const table = dfa.table;
  let state = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    if (byte >= 128) return NOT_ASCII;
    state = table[state * 128 + byte]!;
    if (state < 0) {
      for (let k = i + 1; k < end; k++) if (buf[k]! >= 128) return NOT_ASCII;
      return 0;
    }
  }
  return dfa.accept[state]!;
}

const MAX_NFA_STATES = 4096;
const MAX_DFA_STATES = 1024;

type CharSet = Uint8Array; // 128 flags
type Node =
  | { kind: 'set'; set: CharSet }
  | { kind: 'cat'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'rep'; node: Node; min: number; max: number };

class Unsupported extends Error {}

/**
 * The DFA for `^(?:pattern)$` as the `u`-flag RegExp `regex` reads it, or undefined when the
 * pattern is outside the subset or too big. `regex` also checks the DFA on sample strings.
 */
export function compileByteDfa(pattern: string, regex: RegExp): ByteDfa | undefined {
  if (!regex.unicode || regex.flags !== 'u') return undefined;
  let dfa: ByteDfa;
  try {
    const parser = new PatternParser(pattern);
    const node = parser.parse();
    dfa = toDfa(node);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return agreesOnSamples(dfa, regex) ? dfa : undefined;
}

function setOf(predicate: (code: number) => boolean): CharSet {
  const set = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (predicate(c)) set[c] = 1;
  return set;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => (c >= 9 && c <= 13) || c === 32;
const SYNTAX = '^$\\.*+?()[]{}|/';
const CONTROL: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

class PatternParser {
  private pos = 0;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) throw new Unsupported();
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos !== this.text.length) throw new Unsupported();
    return node;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) items.push(this.quantified(this.atom()));
    return { kind: 'cat', items };
  }

  private quantified(node: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.pos));
      if (!match) throw new Unsupported();
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      this.pos += match[0].length - 1;
    } else return node;
    this.pos++;
    // Laziness changes which match is found, not whether the whole cell matches.
    if (this.peek() === '?') this.pos++;
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || next === '{') throw new Unsupported();
    return this.quantified({ kind: 'rep', node, min, max });
  }

  private atom(): Node {
    const c = this.text[this.pos++]!;
    if (c === '(') {
      if (this.text.startsWith('?:', this.pos)) this.pos += 2;
      else if (this.text.startsWith('?<', this.pos) && /^\?<[A-Za-z_$][\w$]*>/.test(this.text.slice(this.pos))) this.pos = this.text.indexOf('>', this.pos) + 1;
      else if (this.peek() === '?') throw new Unsupported(); // lookaround
      const inner = this.alternation();
      if (this.text[this.pos++] !== ')') throw new Unsupported();
      return inner;
    }
    if (c === '[') return { kind: 'set', set: this.charClass() };
    if (c === '.') return { kind: 'set', set: setOf((code) => code !== 10 && code !== 13) };
    if (c === '\\') return { kind: 'set', set: this.escape(false) };
    if ('^$*+?{}])|'.includes(c)) throw new Unsupported();
    return { kind: 'set', set: setOf((code) => code === c.charCodeAt(0)) };
  }

  /** After a backslash: a class escape, a control escape, \xHH or an escaped syntax character. */
  private escape(inClass: boolean): CharSet {
    const c = this.text[this.pos++];
    if (c === undefined) throw new Unsupported();
    switch (c) {
      case 'd':
        return setOf(isDigit);
      case 'D':
        return setOf((code) => !isDigit(code));
      case 'w':
        return setOf(isWord);
      case 'W':
        return setOf((code) => !isWord(code));
      case 's':
        return setOf(isSpace);
      case 'S':
        return setOf((code) => !isSpace(code));
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(this.text.slice(this.pos));
        if (!hex) throw new Unsupported();
        this.pos += 2;
        const code = parseInt(hex[0], 16);
        if (code >= 128) throw new Unsupported();
        return setOf((x) => x === code);
      }
    }
    if (CONTROL[c] !== undefined) return setOf((code) => code === CONTROL[c]);
    if (SYNTAX.includes(c) || (inClass && c === '-')) return setOf((code) => code === c.charCodeAt(0));
    throw new Unsupported();
  }

  private charClass(): CharSet {
    const set = new Uint8Array(128);
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) throw new Unsupported();
      if (c === ']') break;
      const low = this.classAtom(c);
      if (this.peek() === '-' && this.text[this.pos + 1] !== ']' && this.text[this.pos + 1] !== undefined) {
        this.pos++;
        const high = this.classAtom(this.text[this.pos++]!);
        if (typeof low !== 'number' || typeof high !== 'number' || low > high) throw new Unsupported();
        for (let code = low; code <= high; code++) set[code] = 1;
      } else if (typeof low === 'number') set[low] = 1;
      else for (let code = 0; code < 128; code++) set[code] = set[code]! | low[code]!;
    }
    return negate ? setOf((code) => set[code] === 0) : set;
  }

  /** One class member: a single code, or a set for \d-style escapes. */
  private classAtom(c: string): number | CharSet {
    if (c !== '\\') {
      if (c === '[') throw new Unsupported();
      return c.charCodeAt(0);
    }
    const set = this.escape(true);
    let only = -1;
    for (let code = 0; code < 128; code++) {
      if (!set[code]) continue;
      if (only !== -1) return set;
      only = code;
    }
    return only === -1 ? set : only;
  }
}

/** Thompson NFA: state i has epsilon moves `eps[i]` and at most one set move `move[i]` to `to[i]`. */
class Nfa {
  readonly eps: number[][] = [];
  readonly move: (CharSet | undefined)[] = [];
  readonly to: number[] = [];

  state(): number {
    if (this.eps.length >= MAX_NFA_STATES) throw new Unsupported();
    this.eps.push([]);
    this.move.push(undefined);
    this.to.push(-1);
    return this.eps.length - 1;
  }

  /** Builds `node` between fresh states; returns [start, end]. */
  build(node: Node): [number, number] {
    const start = this.state();
    const end = this.state();
    this.link(node, start, end);
    return [start, end];
  }

  private link(node: Node, from: number, end: number): void {
    switch (node.kind) {
      case 'set':
        this.move[from] = node.set;
        this.to[from] = end;
        return;
      case 'cat': {
        let at = from;
        for (const item of node.items) {
          const next = this.state();
          this.link(item, at, next);
          at = next;
        }
        this.eps[at]!.push(end);
        return;
      }
      case 'alt':
        for (const option of node.options) {
          const start = this.state();
          this.eps[from]!.push(start);
          this.link(option, start, end);
        }
        return;
      case 'rep': {
        let at = from;
        for (let i = 0; i < node.min; i++) {
          const next = this.state();
          this.link(node.node, at, next);
          at = next;
        }
        if (node.max === Infinity) {
          const loop = this.state();
          const after = this.state();
          this.eps[at]!.push(loop);
          this.link(node.node, loop, after);
          this.eps[after]!.push(loop);
          this.eps[at]!.push(end);
          this.eps[after]!.push(end);
          return;
        }
        for (let i = node.min; i < node.max; i++) {
          const next = this.state();
          this.eps[at]!.push(end);
          this.link(node.node, at, next);
          at = next;
        }
        this.eps[at]!.push(end);
        return;
      }
    }
  }
}

function toDfa(node: Node): ByteDfa {
  const nfa = new Nfa();
  const [start, accept] = nfa.build(node);
  const closure = (states: number[]): number[] => {
    const seen = new Set(states);
    const stack = [...states];
    while (stack.length > 0) {
      for (const next of nfa.eps[stack.pop()!]!) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return [...seen].sort((a, b) => a - b);
  };
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const add = (states: number[]): number => {
    const key = states.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      if (sets.length >= MAX_DFA_STATES) throw new Unsupported();
      id = sets.length;
      ids.set(key, id);
      sets.push(states);
    }
    return id;
  };
  add(closure([start]));
  const rows: Int32Array[] = [];
  for (let d = 0; d < sets.length; d++) {
    const row = new Int32Array(128).fill(-1);
    for (let byte = 0; byte < 128; byte++) {
      const targets: number[] = [];
      for (const s of sets[d]!) if (nfa.move[s]?.[byte]) targets.push(nfa.to[s]!);
      if (targets.length > 0) row[byte] = add(closure(targets));
    }
    rows.push(row);
  }
  const table = new Int32Array(rows.length * 128);
  rows.forEach((row, d) => table.set(row, d * 128));
  const acceptFlags = new Uint8Array(sets.length);
  sets.forEach((states, d) => (acceptFlags[d] = states.includes(accept) ? 1 : 0));
  return { table, accept: acceptFlags };
}

/**
 * A cheap guard against a parser mistake: the DFA and the RegExp must agree on strings built from
 * the DFA's own paths (accepted ones and near misses) and on random ASCII.
 */
function agreesOnSamples(dfa: ByteDfa, regex: RegExp): boolean {
  let seed = 0x9e3779b9;
  const random = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % n;
  };
  const states = dfa.accept.length;
  const live: number[][] = [];
  for (let state = 0; state < states; state++) {
    live.push([]);
    for (let byte = 0; byte < 128; byte++) if (dfa.table[state * 128 + byte]! >= 0) live[state]!.push(byte);
  }
  const samples: string[] = [];
  for (let k = 0; k < 100; k++) {
    // A random walk through live states, sometimes stepping off the path.
    let state = 0;
    let text = '';
    const length = 1 + random(24);
    for (let i = 0; i < length; i++) {
      const next = live[state]!;
      const byte = next.length > 0 && random(8) !== 0 ? next[random(next.length)]! : 32 + random(95);
      text += String.fromCharCode(byte);
      state = dfa.table[state * 128 + byte]!;
      if (state < 0) break;
      if (dfa.accept[state] && random(4) === 0) break;
    }
    samples.push(text);
  }
  const bytes = Buffer.alloc(64);
  for (const text of samples) {
    const length = bytes.write(text, 'latin1');
    if ((dfaMatch(dfa, bytes, 0, length) === 1) !== regex.test(text)) return false;
  }
  return true;
}
