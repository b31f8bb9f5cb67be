/**
 * Well-known text as frictionless-py checks `format: wkt`: its vendored TatSu grammar
 * (frictionless/vendors/wkt/grammar.txt, after ISO 19125 / OGC 06-103r4), a PEG parsed here by
 * recursive descent with the same semantics: ordered choice, whitespace skipped before every
 * token, upper-case keywords that must not run into a letter or digit (TatSu's nameguard), and
 * no check that the input ends after the geometry (TatSu does not require it, so frictionless
 * accepts `POINT (1 2) trailing`).
 */
type Rule = (at: number) => number;

const FAIL = -1;
const NUMBER = /[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;

export function isWkt(text: string): boolean {
  const skip = (at: number) => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    return at;
  };
  const isNameChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  const token = (word: string): Rule => (at) => {
    at = skip(at);
    if (!text.startsWith(word, at)) return FAIL;
    const end = at + word.length;
    return /^[A-Z]+$/.test(word) && isNameChar(text[end]) ? FAIL : end;
  };
  const number: Rule = (at) => {
    at = skip(at);
    NUMBER.lastIndex = at;
    return NUMBER.exec(text) ? NUMBER.lastIndex : FAIL;
  };
  const seq = (...rules: Rule[]): Rule => (at) => {
    for (const rule of rules) {
      at = rule(at);
      if (at === FAIL) return FAIL;
    }
    return at;
  };
  const choice = (...rules: Rule[]): Rule => (at) => {
    for (const rule of rules) {
      const end = rule(at);
      if (end !== FAIL) return end;
    }
    return FAIL;
  };
  const optional = (rule: Rule): Rule => (at) => {
    const end = rule(at);
    return end === FAIL ? at : end;
  };
  const many = (rule: Rule): Rule => (at) => {
    for (;;) {
      const end = rule(at);
      if (end === FAIL || end === at) return at;
      at = end;
    }
  };
  // Rules are referenced before they are defined (the grammar is recursive): `ref` defers the lookup.
  const rules: Record<string, Rule> = {};
  const ref = (name: string): Rule => (at) => rules[name]!(at);
  const empty = token('EMPTY');
  const open = token('(');
  const close = token(')');
  const comma = token(',');
  const zm = choice(token('ZM'), token('Z'), token('M'));
  const list = (item: Rule): Rule => choice(empty, seq(open, item, many(seq(comma, item)), close));
  const tagged = (word: string, body: Rule): Rule => seq(token(word), optional(zm), body);

  const point = seq(number, number, optional(number), optional(number));
  rules.pointText = choice(empty, seq(open, point, close));
  rules.linestringText = list(point);
  rules.polygonText = list(ref('linestringText'));
  rules.triangleText = choice(empty, seq(open, ref('linestringText'), close));
  rules.point = tagged('POINT', ref('pointText'));
  rules.linestring = tagged('LINESTRING', ref('linestringText'));
  rules.circularstring = tagged('CIRCULARSTRING', list(point));
  rules.singleCurve = choice(ref('linestringText'), ref('circularstring'));
  rules.compoundcurve = tagged('COMPOUNDCURVE', list(ref('singleCurve')));
  rules.curve = choice(ref('linestring'), ref('circularstring'), ref('compoundcurve'));
  rules.ring = choice(ref('linestringText'), ref('circularstring'), ref('compoundcurve'));
  rules.polygon = tagged('POLYGON', ref('polygonText'));
  rules.triangle = tagged('TRIANGLE', ref('triangleText'));
  rules.surface = choice(tagged('CURVEPOLYGON', list(ref('ring'))), ref('polygon'), ref('triangle'));
  rules.curveText = choice(ref('linestringText'), ref('circularstring'), ref('compoundcurve'));
  rules.surfaceText = choice(seq(token('CURVEPOLYGON'), list(ref('ring'))), ref('polygonText'));
  rules.collection = choice(
    tagged('MULTIPOINT', list(ref('pointText'))),
    choice(tagged('MULTICURVE', list(ref('curveText'))), tagged('MULTILINESTRING', list(ref('linestringText')))),
    choice(tagged('MULTISURFACE', list(ref('surfaceText'))), tagged('MULTIPOLYGON', list(ref('polygonText'))), tagged('POLYHEDRALSURFACE', list(ref('polygonText'))), tagged('TIN', list(ref('triangleText')))),
    tagged('GEOMETRYCOLLECTION', list(ref('geometry'))),
  );
  rules.geometry = choice(ref('point'), ref('curve'), ref('surface'), ref('collection'));
  return rules.geometry(0) !== FAIL;
}
