/**
 * Parity cases: the situations frictionless-py's own tests exercise (fields/__spec__, the row,
 * header, schema and validate tests and their data/ fixtures), written here as small tables.
 * frictionless-py 5.21.0 is the oracle, run over all of them in the test.
 */
export interface ParityCase {
  name: string;
  csv: string;
  schema: Record<string, unknown>;
  /** Wrap the schema in a v2 resource (frictionless takes the version from the outside). */
  v2?: boolean;
}

export const V2_SCHEMA = 'https://datapackage.org/profiles/2.0/tableschema.json';

function csvCell(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function table(rows: string[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** One column `v` holding `cells`, one per row, checked against `field`. */
function column(name: string, field: Record<string, unknown>, cells: string[], extra: Partial<ParityCase> = {}): ParityCase {
  const schema = { ...(extra.v2 ? { $schema: V2_SCHEMA } : {}), fields: [{ name: 'v', ...field }], ...(extra.schema ?? {}) };
  return { name, csv: table([['v'], ...cells.map((cell) => [cell])]), schema, ...(extra.v2 ? { v2: true } : {}) };
}

function raw(name: string, csv: string, fields: Record<string, unknown>[], more: Record<string, unknown> = {}, v2 = false): ParityCase {
  return { name, csv, schema: { ...(v2 ? { $schema: V2_SCHEMA } : {}), fields, ...more }, ...(v2 ? { v2: true } : {}) };
}

const ID_NAME = [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }];

const header: ParityCase[] = [
  raw('header: valid table', 'id,name\n1,english\n2,中国人\n', ID_NAME),
  raw('header: blank label', 'id,\n1,english\n', ID_NAME),
  raw('header: duplicate label, other errors still reported', 'id,id\n1,2\nx,3\n', [{ name: 'id', type: 'integer' }, { name: 'id2', type: 'integer' }]),
  raw('header: duplicate label without a schema field for it', 'a,b,a\n1,2,3\n', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'integer' }, { name: 'c', type: 'integer' }]),
  raw('header: extra label and extra cells', 'id,name,age\n1,english,20\n', ID_NAME),
  raw('header: missing label and missing cells', 'id\n1\n2\n', ID_NAME),
  raw('header: incorrect label', 'id,title\n1,english\n', ID_NAME),
  raw('header: fieldsMatch equal, another order', 'name,id\nenglish,1\n', ID_NAME, { fieldsMatch: 'equal' }),
  raw('header: fieldsMatch equal, a label unknown', 'name,id,x\nenglish,1,2\n', ID_NAME, { fieldsMatch: 'equal' }),
  raw('header: fieldsMatch subset', 'id\n1\n', ID_NAME, { fieldsMatch: 'subset' }),
  raw('header: fieldsMatch superset, extra column', 'id,name,extra\n1,a,b\n', ID_NAME, { fieldsMatch: 'superset' }),
  raw('header: fieldsMatch superset, missing field', 'id\n1\n', ID_NAME, { fieldsMatch: 'superset' }),
  raw('header: fieldsMatch partial, nothing matches', 'x,y\n1,2\n', ID_NAME, { fieldsMatch: 'partial' }),
  raw('header: fieldsMatch partial, one matches', 'id,y\n1,2\n', ID_NAME, { fieldsMatch: 'partial' }),
  raw('header: header-only file is valid', 'id,name\n', ID_NAME),
  raw('header: header-only file with required field', 'id,name\n', [{ name: 'id', type: 'integer', constraints: { required: true } }, { name: 'name' }]),
  raw('header: labels with spaces are compared as written', 'id, name\n1,a\n', ID_NAME),
];

const rows: ParityCase[] = [
  raw('rows: blank row', 'id,name\n1,a\n,\n2,b\n', ID_NAME),
  raw('rows: fully empty line', 'id,name\n1,a\n\n2,b\n', ID_NAME),
  raw('rows: extra cell', 'id,name\n1,a,x\n2,b\n', ID_NAME),
  raw('rows: missing cell', 'id,name\n1\n2,b\n', ID_NAME),
  raw('rows: quoted newline keeps row numbers', 'id,name\n1,"a\nb"\nx,c\n', ID_NAME),
  raw('rows: many errors in one row, field order', 'a,b,c\nx,y,z\n', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'number' }, { name: 'c', type: 'boolean' }]),
  raw('rows: unique constraint', 'id\n1\n2\n1\n', [{ name: 'id', type: 'integer', constraints: { unique: true } }]),
  raw('rows: unique ignores missing values', 'id\n1\n\n\n2\n', [{ name: 'id', type: 'integer', constraints: { unique: true } }]),
  raw('rows: primary key', 'id,name\n1,a\n2,b\n1,c\n', ID_NAME, { primaryKey: ['id'] }),
  raw('rows: primary key as a string', 'id,name\n1,a\n1,b\n', ID_NAME, { primaryKey: 'id' }),
  raw('rows: composite primary key', 'id,name\n1,a\n1,b\n1,a\n', ID_NAME, { primaryKey: ['id', 'name'] }),
  raw('rows: primary key with a null', 'id,name\n1,a\n,b\n', ID_NAME, { primaryKey: ['id'] }),
  raw('rows: unique and primary key in one row', 'id,name\n1,a\n1,a\n', [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'name' }], { primaryKey: ['id'] }),
  raw('rows: required missing', 'id,name\n1,\n,b\n', [{ name: 'id', type: 'integer', constraints: { required: true } }, { name: 'name', constraints: { required: true } }]),
  raw('rows: schema missingValues', 'id,name\nNA,-\n1,a\n', ID_NAME, { missingValues: ['NA', '-'] }),
  raw('rows: schema missingValues do not include the empty string', 'id,name\n,a\n1,\n', ID_NAME, { missingValues: ['NA'] }),
  raw('rows: field missingValues override the schema', 'id,name\nNA,NA\n-,-\n', [{ name: 'id', type: 'integer', missingValues: ['-'] }, { name: 'name', type: 'integer' }], { missingValues: ['NA'] }),
  raw('rows: empty missingValues list', 'id,name\n,\n', ID_NAME, { missingValues: [] }),
  raw('rows: duplicate plain missingValues are allowed', 'id,name\nNA,a\n', ID_NAME, { missingValues: ['NA', 'NA', ''] }),
  raw('rows: missingValues in object form (v2)', 'id,name\nNA,a\nx,b\n', ID_NAME, { missingValues: [{ value: 'NA', label: 'not asked' }, { value: '' }] }, true),
  raw('rows: constraints skip missing values', 'id\n\n5\n', [{ name: 'id', type: 'integer', constraints: { minimum: 10 } }]),
];

const integer: ParityCase[] = [
  column('integer: plain values', { type: 'integer' }, ['1', '-2', '+3', '0', '007']),
  column('integer: Python int() forms', { type: 'integer' }, ['1_000', ' 5 ', '1__0', '_1', '1_']),
  column('integer: type errors', { type: 'integer' }, ['1.0', '1e3', 'one', '0x10', '']),
  column('integer: bareNumber false', { type: 'integer', bareNumber: false }, ['$100', '100%', 'EUR 5', 'x']),
  column('integer: minimum and maximum', { type: 'integer', constraints: { minimum: 1, maximum: 10 } }, ['0', '1', '10', '11']),
  column('integer: enum', { type: 'integer', constraints: { enum: [1, 2, '3'] } }, ['1', '3', '4']),
  column('integer: exclusive bounds (v2)', { type: 'integer', constraints: { exclusiveMinimum: 1, exclusiveMaximum: 3 } }, ['1', '2', '3'], { v2: true }),
];

const number: ParityCase[] = [
  column('number: plain values', { type: 'number' }, ['1', '1.5', '-0.5', '.5', '5.', '1e5', '1E-3']),
  column('number: special values', { type: 'number' }, ['NaN', 'nan', 'inf', '-Infinity', 'sNaN']),
  column('number: type errors', { type: 'number' }, ['1,5', '1.2.3', 'abc', '--1']),
  column('number: decimalChar and groupChar', { type: 'number', decimalChar: ',', groupChar: '.' }, ['1.000,5', '2,25', '1.5.0', '3']),
  column('number: groupChar only', { type: 'number', groupChar: ' ' }, ['1 000', '1 000.5', '10']),
  column('number: bareNumber false', { type: 'number', bareNumber: false }, ['€1.50', '95%', '-3 USD', 'x']),
  column('number: minimum and maximum', { type: 'number', constraints: { minimum: 0.5, maximum: 1.5 } }, ['0.4', '0.5', '1.5', '1.6', 'NaN']),
  column('number: enum', { type: 'number', constraints: { enum: [1.5, 2] } }, ['1.5', '2.0', '2.5']),
];

const boolean: ParityCase[] = [
  column('boolean: default values', { type: 'boolean' }, ['true', 'True', 'TRUE', '1', 'false', 'False', 'FALSE', '0']),
  column('boolean: type errors', { type: 'boolean' }, ['yes', 'tRUE', 't', '2']),
  column('boolean: custom trueValues and falseValues', { type: 'boolean', trueValues: ['yes', 'Y'], falseValues: ['no'] }, ['yes', 'Y', 'no', 'true', 'n']),
  column('boolean: enum', { type: 'boolean', constraints: { enum: [true] } }, ['true', 'false']),
];

const string: ParityCase[] = [
  column('string: default', { type: 'string' }, ['a', ' b ', '中国人', '"']),
  column('string: email', { type: 'string', format: 'email' }, ['name@example.com', 'first.last+tag@sub.example.org', 'bad', '@x.com', 'a@b']),
  column('string: uri', { type: 'string', format: 'uri' }, ['http://example.com', 'https://example.com/a?b=1', 'mailto:a@b.c', 'no-scheme', 'example.com/x']),
  column('string: uuid', { type: 'string', format: 'uuid' }, ['95ecc380-afe9-11e4-9b6c-751b66dd541e', '95ECC380-AFE9-11E4-9B6C-751B66DD541E', 'x95ecc380', '95ecc380afe911e49b6c751b66dd541e']),
  column('string: binary, valid base64', { type: 'string', format: 'binary' }, ['aGVsbG8=', 'aGVsbA==', 'aGVs', '']),
  column('string: binary, wrong length', { type: 'string', format: 'binary' }, ['aGVsbG8', 'aGVsbA=', 'a', 'aGVsb']),
  column('string: binary, characters outside the alphabet', { type: 'string', format: 'binary' }, ['aGVs!bG8=', 'aG Vs', 'aGVsbG8=junk', 'a===', '====', 'é']),
  column('string: wkt', { type: 'string', format: 'wkt' }, ['POINT (30 10)', 'POINT(1 2)', 'LINESTRING (30 10, 10 30, 40 40)', 'POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10))', 'POINT Z (1 2 3)', 'POINT EMPTY', 'GEOMETRYCOLLECTION (POINT (40 10), LINESTRING (10 10, 20 20))']),
  column('string: wkt errors', { type: 'string', format: 'wkt' }, ['point (1 2)', 'POINT (1)', 'POINTZ (1 2 3)', 'MULTIPOINT (1 2, 3 4)', 'CIRCLE (1 2)', 'POINT (1 2) trailing']),
  column('string: wkt multi geometries', { type: 'string', format: 'wkt' }, ['MULTIPOINT ((10 40), (40 30))', 'MULTILINESTRING ((10 10, 20 20), (40 40, 30 30))', 'MULTIPOLYGON (((30 20, 45 40, 10 40, 30 20)))', 'TRIANGLE ((0 0, 1 0, 0 1, 0 0))', 'POINT M (1 2 3)', 'POINT ZM (1 2 3 4)', 'TIN EMPTY']),
  column('string: minLength and maxLength count characters', { type: 'string', constraints: { minLength: 2, maxLength: 3 } }, ['a', 'ab', 'abc', 'abcd', '中国']),
  column('string: pattern', { type: 'string', constraints: { pattern: '[A-Z]{2}\\d+' } }, ['AB1', 'AB12', 'ab1', 'AB']),
  column('string: enum', { type: 'string', constraints: { enum: ['red', 'green'] } }, ['red', 'green', 'blue', 'Red']),
];

const dates: ParityCase[] = [
  column('date: default', { type: 'date' }, ['2024-01-31', '2024-1-5', '2024-02-29', '2023-02-29', '2024-13-01', '20240131', '2024-01-31T00:00:00']),
  column('date: strptime pattern', { type: 'date', format: '%d/%m/%Y' }, ['31/01/2024', '1/2/2024', '2024-01-31', '32/01/2024']),
  column('date: deprecated fmt: prefix', { type: 'date', format: 'fmt:%d/%m/%Y' }, ['31/01/2024', '2024-01-31']),
  column('date: any, words', { type: 'date', format: 'any' }, ['10th Jan 1969', 'Jan 10 1969', '10 January 1969', 'Friday, 10 January 1969', 'Jan 2020']),
  column('date: any, numbers', { type: 'date', format: 'any' }, ['2019-01-01', '1969-01-10', '01/02/2019', '1.2.2019', '20190102', '2019/01/02']),
  column('date: any, type errors', { type: 'date', format: 'any' }, ['not a date', '2019-13-45', '32 Jan 2019', 'Janu 2019']),
  column('date: minimum and maximum', { type: 'date', constraints: { minimum: '2024-01-01', maximum: '2024-12-31' } }, ['2023-12-31', '2024-06-01', '2025-01-01']),
  column('date: enum', { type: 'date', constraints: { enum: ['2024-01-01'] } }, ['2024-01-01', '2024-01-02']),
  column('time: default', { type: 'time' }, ['10:20:30', '10:20:30.5', '10:20:30Z', '10:20:30+02:00', '10:20', '25:00:00', '1:20:30']),
  column('time: strptime pattern', { type: 'time', format: '%H:%M' }, ['10:20', '9:05', '10:20:30', '24:00']),
  column('time: any', { type: 'time', format: 'any' }, ['06:00:00Z', '6:00', '6pm', '18:30:15', '6:00 AM', '10:20:30+01:00']),
  column('time: any, type errors', { type: 'time', format: 'any' }, ['noon-ish', '25:00', '10:61']),
  column('time: minimum and maximum', { type: 'time', constraints: { minimum: '09:00:00', maximum: '17:00:00' } }, ['08:59:59', '12:00:00', '17:00:01']),
  column('datetime: default', { type: 'datetime' }, ['2024-01-31T10:20:30', '2024-01-31T10:20:30Z', '2024-01-31T10:20:30.123+02:00', '2024-01-31 10:20:30', '2024-01-31', '2024-01-31T10:20', '2024-02-30T10:20:30']),
  column('datetime: strptime pattern', { type: 'datetime', format: '%d/%m/%Y %H:%M' }, ['31/01/2024 10:20', '31/01/2024', '2024-01-31T10:20:30']),
  column('datetime: any', { type: 'datetime', format: 'any' }, ['2019-01-01 10:00', '10th Jan 1969 6pm', 'Jan 1 2020 10:00 PM', '2019-01-01T10:00:00Z', 'Thu, 01 Jan 2020 10:00:00 +0000', '2019-01-01']),
  column('datetime: any, type errors', { type: 'datetime', format: 'any' }, ['yesterday', '2019-01-01 25:00', '13/13/2019']),
  column('datetime: minimum', { type: 'datetime', constraints: { minimum: '2024-01-01T00:00:00' } }, ['2023-12-31T23:59:59', '2024-01-01T00:00:00']),
  column('year: values', { type: 'year' }, ['2024', '0001', '24', '20240', '-1', 'abcd']),
  column('year: minimum and maximum', { type: 'year', constraints: { minimum: 2000, maximum: 2020 } }, ['1999', '2010', '2021']),
  column('yearmonth: values', { type: 'yearmonth' }, ['2024-01', '2024-1', '2024-13', '2024-00', '2024', '2024/01']),
  column('yearmonth: minimum', { type: 'yearmonth', constraints: { minimum: '2024-06' } }, ['2024-05', '2024-06']),
  column('duration: values', { type: 'duration' }, ['P1Y2M3DT4H5M6S', 'PT1.5S', 'P1W', 'P', '1Y', 'PT', 'P1D2H']),
];

const structured: ParityCase[] = [
  column('object: values', { type: 'object' }, ['{"a": 1}', '{}', '[1, 2]', '"text"', '{bad json}', '1']),
  column('object: minLength and maxLength count keys', { type: 'object', constraints: { minLength: 2, maxLength: 3 } }, ['{"a": 1}', '{"a": 1, "b": 2}', '{"a": 1, "b": 2, "c": 3, "d": 4}', '{"long-key-name": 1, "x": 2}']),
  column('object: enum', { type: 'object', constraints: { enum: [{ a: 1 }] } }, ['{"a": 1}', '{"a": 2}']),
  column('array: values', { type: 'array' }, ['[1, 2]', '[]', '{"a": 1}', '[1,', '"x"']),
  column('array: minLength and maxLength count items', { type: 'array', constraints: { minLength: 2, maxLength: 3 } }, ['[1]', '[1, 2]', '[1, 2, 3, 4]', '["aaaaaaaaaa", "bbbbbbbbb"]']),
  column('array: enum', { type: 'array', constraints: { enum: [[1, 2]] } }, ['[1, 2]', '[2, 1]']),
  column('array: arrayItem type', { type: 'array', arrayItem: { type: 'integer' } }, ['[1, 2]', '[1, "x"]', '["1", "2"]', '[1.5]', '[]', '[true]']),
  column('array: arrayItem constraints', { type: 'array', arrayItem: { type: 'integer', constraints: { minimum: 0, maximum: 9 } } }, ['[1, 2]', '[1, 10]', '[-1, 5]']),
  column('array: arrayItem string with enum', { type: 'array', arrayItem: { type: 'string', constraints: { enum: ['a', 'b'] } } }, ['["a", "b"]', '["a", "c"]', '[1]']),
  column('array: arrayItem required item', { type: 'array', arrayItem: { type: 'string', constraints: { required: true } } }, ['["a"]', '[""]', '[null]', '["a", null]']),
  column('array: arrayItem date items', { type: 'array', arrayItem: { type: 'date' } }, ['["2024-01-01"]', '["2024-02-30"]', '["01/01/2024"]']),
  column('array: arrayItem number with bounds', { type: 'array', arrayItem: { type: 'number', constraints: { minimum: 0.5 } } }, ['[0.5, 1]', '[0.4]', '["NaN"]']),
  column('array: arrayItem with the array bounds too', { type: 'array', arrayItem: { type: 'integer' }, constraints: { maxLength: 2 } }, ['[1, 2]', '[1, 2, 3]', '["x", "y", "z"]', '["x"]']),
  column('geopoint: default', { type: 'geopoint' }, ['90,45', '90, 45', '-180,-90', '181,0', '0,91', '90', 'a,b', '1,2,3']),
  column('geopoint: array', { type: 'geopoint', format: 'array' }, ['[90, 45]', '[90,45]', '["90", "45"]', '[181, 0]', '90,45', '[1, 2, 3]', '{"lon": 1, "lat": 2}']),
  column('geopoint: object', { type: 'geopoint', format: 'object' }, ['{"lon": 90, "lat": 45}', '{"lat": 45, "lon": 90}', '{"lon": "90", "lat": "45"}', '{"lon": 181, "lat": 0}', '{"lon": 1}', '{"lon": 1, "lat": 2, "x": 3}', '[90, 45]', '90,45']),
  column('geopoint: enum', { type: 'geopoint', constraints: { enum: ['90,45'] } }, ['90,45', '90, 45', '1,1']),
  column('geojson: default', { type: 'geojson' }, ['{"type": "Point", "coordinates": [1, 2]}', '[1, 2]', 'x']),
  column('list: itemType and delimiter (v2)', { type: 'list', itemType: 'integer', delimiter: ';' }, ['1;2;3', '1;x', '1,2'], { v2: true }),
  column('list: default string items (v2)', { type: 'list', constraints: { minLength: 2 } }, ['a,b', 'a'], { v2: true }),
  column('any: anything goes', { type: 'any' }, ['1', 'x', '{"a": 1}']),
  column('any: enum', { type: 'any', constraints: { enum: ['1', 'x'] } }, ['1', 'y']),
  column('type absent means string', {}, ['1', 'x']),
];

const schemas: ParityCase[] = [
  raw('schema: field-level required outside constraints', 'id\n1\n\n', [{ name: 'id', type: 'integer', required: true }]),
  raw('schema: unknown type', 'id\n1\n', [{ name: 'id', type: 'int' }]),
  raw('schema: constraint the type does not support', 'id\ntrue\n', [{ name: 'id', type: 'boolean', constraints: { maximum: 1 } }]),
  raw('schema: minLength must be an integer', 'id\nx\n', [{ name: 'id', type: 'string', constraints: { minLength: '1' } }]),
  raw('schema: missingValues in object form without v2', 'id\nNA\n', [{ name: 'id', type: 'integer' }], { missingValues: [{ value: 'NA' }] }),
  raw('schema: field missingValues in object form without v2', 'id\nNA\n', [{ name: 'id', type: 'integer', missingValues: [{ value: 'NA' }] }]),
  raw('schema: duplicate missingValues in object form (v2)', 'id\nNA\n', [{ name: 'id', type: 'integer' }], { missingValues: [{ value: 'NA' }, { value: 'NA' }] }, true),
  raw('schema: duplicate missingValues labels (v2)', 'id\nNA\n', [{ name: 'id', type: 'integer' }], { missingValues: [{ value: 'NA', label: 'x' }, { value: '-', label: 'x' }] }, true),
  raw('schema: primaryKey names an unknown field', 'id\n1\n', [{ name: 'id', type: 'integer' }], { primaryKey: ['key'] }),
  raw('schema: example that is not valid', 'id\n1\n', [{ name: 'id', type: 'integer', example: 'one' }]),
  raw('schema: example that is valid', 'id\n1\n', [{ name: 'id', type: 'integer', example: '7' }]),
  raw('schema: exclusiveMinimum needs v2', 'id\n1\n', [{ name: 'id', type: 'integer', constraints: { exclusiveMinimum: 0 } }]),
  raw('schema: enum must be a list', 'id\n1\n', [{ name: 'id', type: 'integer', constraints: { enum: 1 } }]),
  raw('schema: unknown string format', 'id\n1\n', [{ name: 'id', type: 'string', format: 'phone' }]),
  raw('schema: fields must be a list', 'id\n1\n', { name: 'id' } as unknown as Record<string, unknown>[]),
  raw('schema: maximum on a string', 'id\n1\n', [{ name: 'id', type: 'string', constraints: { maximum: 3 } }]),
  raw('schema: pattern on an integer', 'id\n1\n', [{ name: 'id', type: 'integer', constraints: { pattern: '\\d' } }]),
];

const divergent: ParityCase[] = [
  column('divergence: pattern alternation is anchored as a whole', { type: 'string', constraints: { pattern: 'a|b' } }, ['a', 'abbb']),
  column('divergence: categories are enforced (v2)', { type: 'string', categories: ['low', 'high'] }, ['low', 'mid'], { v2: true }),
  raw('divergence: uniqueKeys are checked (v2)', 'a,b\n1,2\n1,2\n', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'integer' }], { uniqueKeys: [['a', 'b']] }, true),
];

const more: ParityCase[] = [
  column('geojson: GeoJSON schema', { type: 'geojson' }, ['{"type": "Feature", "geometry": null, "properties": {"a": 1}}', '{"coordinates": [0, 0, 0], "type": "Point"}', '{"type": "Point"}', '{}', '"string"', '3.14', '{"type": "Unknown"}']),
  column('geojson: topojson', { type: 'geojson', format: 'topojson' }, ['{"type": "LineString", "arcs": [42]}', '{"type": "Point", "coordinates": [1, 2]}', '{}', 'x']),
  column('string: wkt, the spec examples', { type: 'string', format: 'wkt' }, ['CIRCULARSTRING EMPTY', 'GEOMETRYCOLLECTION EMPTY', 'POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10)', 'string', 'CURVEPOLYGON (CIRCULARSTRING (0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 3, 3 1, 1 1))', 'COMPOUNDCURVE (CIRCULARSTRING (0 0, 1 1, 1 0), (1 0, 0 1))', 'MULTICURVE ((0 0, 5 5), CIRCULARSTRING (4 0, 4 4, 8 4))', 'POLYHEDRALSURFACE Z (((0 0 0, 0 1 0, 1 1 0, 0 0 0)))']),
  column('string: email, more forms', { type: 'string', format: 'email' }, ['a@b.co', 'a.b@c.example', 'a..b@c.com', '"quoted"@example.com', 'user@[127.0.0.1]', 'user@localhost', 'ü@example.com', 'a@b.c']),
  column('string: uri, more forms', { type: 'string', format: 'uri' }, ['://no-scheme.test', 'ftp://host/path', 'urn:isbn:0451450523', 'http://exa mple.com', 'http://[::1]:80/', 'a:b', '1http://x']),
  column('string: uuid, more forms', { type: 'string', format: 'uuid' }, ['{95ecc380-afe9-11e4-9b6c-751b66dd541e}', 'urn:uuid:95ecc380-afe9-11e4-9b6c-751b66dd541e', '95ecc380-afe9-11e4-9b6c-751b66dd541', '95ecc380-afe911e4-9b6c-751b66dd541e', '00000000-0000-0000-0000-000000000000']),
  column('string: binary, spec examples', { type: 'string', format: 'binary' }, ['dGVzdA==', 'string', 'dGVzdA']),
  column('number: whitespace and signs', { type: 'number' }, [' 1.5', '1.5 ', '+1.5', '-.5', '1_000.5', '1e', 'e5', '١٢']),
  column('integer: large values', { type: 'integer' }, ['9007199254740993', '-0', '00', '1 000']),
  column('boolean: whitespace', { type: 'boolean' }, [' true', 'true ', 'yes ']),
  column('time: default, more', { type: 'time' }, ['10:20:30.123456789', '10:20:30.', '102030', '10:20:30 ', '24:00:00', '10:20:30-0500']),
  column('datetime: default, more', { type: 'datetime' }, ['2024-01-31T10:20:30.123456789Z', '2024-01-31T24:00:00', '2024-01-31T10:20:30+0200', '2024-01-31T10:20:30 +02:00', '2024-1-31T10:20:30', '2024-01-31t10:20:30']),
  column('date: default, more', { type: 'date' }, [' 2024-01-31', '2024-01-31 ', '0001-01-01', '9999-12-31', '+2024-01-31']),
  column('year: more', { type: 'year' }, [' 2024', '2024 ', '+202', '1e03']),
  column('yearmonth: more', { type: 'yearmonth' }, [' 2024-01', '2024 - 01', '24-01', '2024-001']),
  column('list: number items (v2)', { type: 'list', itemType: 'number' }, ['1.5,2', '1.5, 2', 'x,1', ''], { v2: true }),
  column('list: boolean items (v2)', { type: 'list', itemType: 'boolean' }, ['true,false', 'true,yes'], { v2: true }),
  column('list: date items (v2)', { type: 'list', itemType: 'date' }, ['2024-01-01,2024-02-01', '2024-01-01,x'], { v2: true }),
  column('list: maxLength (v2)', { type: 'list', constraints: { maxLength: 2 } }, ['a,b', 'a,b,c'], { v2: true }),
  column('object: nested and unicode', { type: 'object' }, ['{"a": {"b": [1, 2]}}', '{"ü": 1}', '{"a": 1,}', "{'a': 1}", '{"a": NaN}']),
  column('array: JSON edge cases', { type: 'array' }, ['[NaN]', '[Infinity]', '[1,]', ' [1] ', '[[1], [2]]']),
  column('duration: more', { type: 'duration' }, ['P1.5Y', 'P1,5D', 'PT36H', 'P0D', '-P1D', 'P1Y2M3W']),
  column('any: with constraints required', { type: 'any', constraints: { required: true } }, ['x', '']),
  column('string: pattern with a character class and groups', { type: 'string', constraints: { pattern: '(ab)+c?' } }, ['abab', 'ababc', 'abcab', '']),
  column('number: enum with strings', { type: 'number', constraints: { enum: ['1.5', 2] } }, ['1.5', '2', '3']),
  column('date: enum with a strptime format', { type: 'date', format: '%d/%m/%Y', constraints: { enum: ['01/02/2024'] } }, ['01/02/2024', '02/01/2024']),
  column('time: any with minimum', { type: 'time', format: 'any', constraints: { minimum: '06:00' } }, ['5am', '7am']),
];

export const CASES: ParityCase[] = [...header, ...rows, ...integer, ...number, ...boolean, ...string, ...dates, ...structured, ...more, ...schemas, ...divergent];
