import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { usageError, type SourceLocation } from '../errors.js';

/** Above this many alias expansions a document is treated as a YAML bomb. */
const MAX_ALIAS_EXPANSIONS = 100;
const MAX_CONFIG_BYTES = 1 << 20;

/** A parsed YAML (or JSON) file that can say where each node came from. */
export class YamlSource {
  readonly file: string;
  readonly document: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, document: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.document = document;
    this.lines = lines;
  }

  static parse(file: string, text: string): YamlSource {
    if (text.length > MAX_CONFIG_BYTES) {
      throw usageError(`${file} is larger than ${MAX_CONFIG_BYTES} bytes`, { code: 'config-too-large', location: { file }, hint: 'Config and schema files are small; check that the right file was given.' });
    }
    const lines = new LineCounter();
    const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(file, document, lines);
    const [first] = document.errors;
    if (first) {
      throw usageError(`invalid YAML: ${first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`, {
        code: 'config-yaml-syntax',
        location: source.locate(first.pos[0]),
        hint: 'Check indentation and quoting near this line.',
      });
    }
    return source;
  }

  /** The plain JS value; refuses alias bombs instead of expanding them. */
  toJS(): unknown {
    try {
      return this.document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
    } catch (error) {
      if (error instanceof ReferenceError || /alias/i.test(String(error))) {
        throw usageError('refusing YAML with excessive alias expansion (a "YAML bomb")', {
          code: 'config-alias-bomb',
          location: { file: this.file },
          hint: `Aliases may expand to at most ${MAX_ALIAS_EXPANSIONS} nodes; write the values out instead.`,
        });
      }
      throw error;
    }
  }

  locate(offset: number | undefined): SourceLocation {
    if (offset === undefined) return { file: this.file };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  locateNode(node: Node | Pair | null | undefined): SourceLocation {
    if (!node) return { file: this.file };
    const target = 'key' in node && node.key ? (node.key as Node) : (node as Node);
    return this.locate(target.range?.[0]);
  }

  /** The node at a path of map keys / sequence indexes, for locating a value reported by a validator. */
  nodeAt(path: readonly (string | number)[]): Node | undefined {
    const node = this.document.getIn(path, true);
    return node && typeof node === 'object' && ('range' in (node as object)) ? (node as Node) : undefined;
  }

  /** The pair for a map key at a path, so errors about unknown keys point at the key itself. */
  pairAt(path: readonly (string | number)[], key: string): Pair | undefined {
    const parent = path.length === 0 ? this.document.contents : this.document.getIn(path, true);
    if (!isMap(parent)) return undefined;
    return parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key) as Pair | undefined;
  }
}

export { isMap, isScalar, isSeq };
