import { usageError } from '../errors.js';

/** Rows parsed from one chunk; `lines[i]` is the physical line where row i starts (1-based). */
export interface CsvBatch {
  rows: string[][];
  lines: number[];
}

export interface CsvParserOptions {
  file: string;
  delimiter: string;
  /** Longest pending row, in characters, before we call the input broken (unterminated quote, binary). */
  maxFieldChars: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * RFC 4180 reader over decoded text, fed chunk by chunk. Quoted fields may hold delimiters,
 * doubled quotes and newlines; rows end in LF, CRLF or a lone CR (as Python's csv module accepts).
 * A blank line is an empty row, as Python's csv module and Frictionless count it.
 * Text after a closing quote is kept literally (`"a"b` -> `ab`), as Python does.
 */
export class CsvParser {
  private pending = '';
  /** Physical line at which `pending` starts. */
  private line = 1;
  private readonly delimiter: number;

  constructor(private readonly options: CsvParserOptions) {
    if (options.delimiter.length !== 1) {
      throw usageError(`the CSV delimiter must be one character, got '${options.delimiter}'`, { code: 'csv-delimiter', hint: "Use e.g. --delimiter ';' or --delimiter '\\t'." });
    }
    this.delimiter = options.delimiter.charCodeAt(0);
    if (this.delimiter === QUOTE || this.delimiter === LF || this.delimiter === CR) {
      throw usageError('the CSV delimiter cannot be a quote or a newline', { code: 'csv-delimiter' });
    }
  }

  /** Line where the not-yet-complete text starts plus the newlines in it (for decode errors). */
  linesSoFar(): number {
    let n = this.line;
    let at = this.pending.indexOf('\n');
    while (at !== -1) {
      n++;
      at = this.pending.indexOf('\n', at + 1);
    }
    return n;
  }

  /** Parses every complete row in `chunk` (plus what was pending); `final` flushes the last row. */
  push(chunk: string, final: boolean): CsvBatch {
    const text = this.pending.length > 0 ? this.pending + chunk : chunk;
    const rows: string[][] = [];
    const lines: number[] = [];
    const n = text.length;
    const delim = this.delimiter;
    let pos = 0;
    let line = this.line;
    outer: while (pos < n) {
      const rowStart = pos;
      const rowLine = line;
      const cells: string[] = [];
      // A blank line is an empty row.
      const first = text.charCodeAt(pos);
      if (first === LF || first === CR) {
        if (first === CR) {
          if (pos + 1 >= n && !final) break;
          pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else pos += 1;
        line++;
        rows.push(cells);
        lines.push(rowLine);
        continue;
      }
      for (;;) {
        // One field starting at pos.
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let value = '';
          let from = pos + 1;
          let closed = false;
          for (;;) {
            const q = text.indexOf('"', from);
            if (q === -1) break;
            if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            if (q + 1 >= n && !final) break; // cannot tell "" from " yet
            value += text.slice(from, q);
            pos = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (final) {
              throw usageError(`unterminated quoted field starting at line ${line}`, {
                code: 'csv-unterminated-quote',
                location: { file: this.options.file, line },
                hint: 'A field opened with " never closes. Close it, or double the quotes inside quoted fields ("").',
              });
            }
            this.checkPending(n - rowStart, line, true);
            line = rowLine;
            pos = rowStart;
            break outer;
          }
          for (let k = from; k < pos; k++) if (text.charCodeAt(k) === LF) line++;
          // Literal text after the closing quote, up to the delimiter or end of row.
          let end = pos;
          while (end < n) {
            const c = text.charCodeAt(end);
            if (c === delim || c === LF || c === CR) break;
            end++;
          }
          if (end > pos) {
            value += text.slice(pos, end);
            pos = end;
          }
          cells.push(value);
        } else {
          let end = pos;
          while (end < n) {
            const c = text.charCodeAt(end);
            if (c === delim || c === LF || c === CR) break;
            end++;
          }
          cells.push(text.slice(pos, end));
          pos = end;
        }
        if (pos >= n) {
          if (!final) {
            this.checkPending(n - rowStart, rowLine, false);
            line = rowLine;
            pos = rowStart;
            break outer;
          }
          rows.push(cells);
          lines.push(rowLine);
          break outer;
        }
        const c = text.charCodeAt(pos);
        if (c === delim) {
          pos++;
          if (pos >= n) {
            if (!final) {
              line = rowLine;
              pos = rowStart;
              break outer;
            }
            cells.push('');
            rows.push(cells);
            lines.push(rowLine);
            break outer;
          }
          continue;
        }
        // End of row: LF, CRLF or CR.
        if (c === CR) {
          if (pos + 1 >= n && !final) {
            line = rowLine;
            pos = rowStart;
            break outer;
          }
          pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else pos++;
        line++;
        rows.push(cells);
        lines.push(rowLine);
        break;
      }
    }
    this.pending = pos < n ? text.slice(pos) : '';
    this.line = line;
    return { rows, lines };
  }

  private checkPending(length: number, rowLine: number, inQuote: boolean): void {
    if (length <= this.options.maxFieldChars) return;
    const mib = (this.options.maxFieldChars / (1 << 20)).toFixed(0);
    throw usageError(
      inQuote
        ? `quoted field starting at line ${rowLine} is still open after ${mib} MiB: unterminated quote or a binary file`
        : `row at line ${rowLine} is longer than ${mib} MiB`,
      {
        code: inQuote ? 'csv-unterminated-quote' : 'csv-field-too-large',
        location: { file: this.options.file, line: rowLine },
        hint: inQuote
          ? 'Check the quotes on this line; a field opened with " must close with ".'
          : 'Fields this large are not tabular data; check the file and the delimiter, or raise --max-field-size.',
      },
    );
  }
}
