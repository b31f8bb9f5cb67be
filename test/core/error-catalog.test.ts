import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../shared/errors/catalog.js';

const shared = resolve(import.meta.dirname, '../../shared');
const KIND_OF_FACTORY: Record<string, string> = { usageError: 'usage', environmentError: 'environment', rejectedError: 'rejected' };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The string literals an expression can be: a literal, or either branch of `a ? 'x' : 'y'`. */
function literals(node: ts.Expression): string[] | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literals(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [a, b] = [literals(node.whenTrue), literals(node.whenFalse)];
    return a && b ? [...a, ...b] : null;
  }
  return null;
}

function codeProperty(options: ts.Expression | undefined): ts.Expression | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) if (ts.isPropertyAssignment(property) && property.name.getText() === 'code') return property.initializer;
  return undefined;
}

interface Thrown { code: string; kind: string; at: string }

/**
 * Every code thrown in shared/: the `code` of each usageError/environmentError/rejectedError call,
 * and of `unreachable: {code}` objects (the HTTP client throws the code its caller names). A call
 * whose code is not a literal is reported, so no code escapes the catalog unseen.
 */
function thrownCodes(): { thrown: Thrown[]; opaque: string[] } {
  const thrown: Thrown[] = [];
  const opaque: string[] = [];
  for (const file of sources(shared)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const at = (node: ts.Node) => `${relative(shared, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && KIND_OF_FACTORY[node.expression.text]) {
        const value = codeProperty(node.arguments[1]);
        const codes = value ? literals(value) : null;
        if (codes) for (const code of codes) thrown.push({ code, kind: KIND_OF_FACTORY[node.expression.text]!, at: at(node) });
        else opaque.push(at(node));
      }
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'unreachable') {
        const codes = codeProperty(node.initializer) && literals(codeProperty(node.initializer)!);
        if (codes) for (const code of codes) thrown.push({ code, kind: 'environment', at: at(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { thrown, opaque };
}

const { thrown, opaque } = thrownCodes();

describe('the error catalog', () => {
  it('lists every code thrown, with the kind it is thrown as', () => {
    const missing = thrown.filter(({ code }) => !(code in ERROR_CATALOG)).map(({ code, at }) => `${code} (${at})`);
    expect(missing, 'add these to shared/errors/catalog.ts, then npm run gen').toEqual([]);
    const wrongKind = thrown.filter(({ code, kind }) => ERROR_CATALOG[code] && ERROR_CATALOG[code]!.kind !== kind).map(({ code, kind, at }) => `${code} thrown as ${kind} at ${at}`);
    expect(wrongKind).toEqual([]);
  });

  it('lists no code that nothing throws', () => {
    const used = new Set(thrown.map(({ code }) => code));
    expect(Object.keys(ERROR_CATALOG).filter((code) => !used.has(code))).toEqual([]);
  });

  it('sees every call site (codes are literals or conditionals of literals)', () => {
    // The HTTP client alone throws a code its caller chose (under `unreachable`, counted there).
    expect(opaque.map((site) => site.replace(/:\d+$/, ''))).toEqual(['http/client.ts']);
  });

  it('has well-formed codes and messages', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(code, code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(entry.message.trim().length, code).toBeGreaterThan(0);
    }
  });
});
