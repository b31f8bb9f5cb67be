import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openResourceTable } from '../../shared/data/resource-table.js';
import { parseSchema } from '../../shared/schema/load.js';
import { validateResource } from '../../shared/schema/package-validate.js';
import { hasPythonModule, repoRoot, runPythonJson } from '../helpers/python.js';
import { cli, tempDir } from './helpers.js';

type Triple = [string, number | null, string];

const root = tempDir('modelci-encodings-');

/** A zip archive of the given files (deflated), written the way zip tools write one. */
function zipOf(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const words = { fields: [{ name: 'id', type: 'integer' }, { name: 'word', constraints: { enum: ['café', 'naïve', '€5'] } }] };
const csv = 'id,word\n1,café\n2,naïve\n3,€5\n4,cafe\nx,naïve\n';
const utf16 = (text: string, bigEndian = false) => {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  if (!bigEndian) return le;
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
};

/** Each case: a file, its schema, and the encoding we should report. */
const cases: { fixture: string; file: string; bytes: Buffer; schema: Record<string, unknown>; encoding?: string }[] = [
  { fixture: 'cp1252', file: 'cp1252.csv', bytes: encodeCp1252(csv), schema: words, encoding: 'cp1252' },
  { fixture: 'utf-8 with BOM', file: 'bom.csv', bytes: Buffer.from(`\ufeff${csv}`), schema: words, encoding: 'utf-8' },
  { fixture: 'utf-16 with BOM', file: 'utf16.csv', bytes: utf16(csv), schema: words, encoding: 'utf-16' },
  { fixture: 'zip holding one csv', file: 'words.csv.zip', bytes: zipOf({ 'words.csv': Buffer.from(csv) }), schema: words, encoding: 'utf-8' },
  { fixture: 'json array of arrays', file: 'rows.json', bytes: Buffer.from(JSON.stringify([['id', 'word'], [1, 'café'], [2, 'x'], ['y', 'naïve'], [4]])), schema: words },
  { fixture: 'json array of objects', file: 'objects.json', bytes: Buffer.from(`[\n{"id": 1, "word": "café"},\n{"id": 2, "word": "x"},\n{"id": "y"},\n{"word": "€5", "id": 5, "extra": true}\n]\n`), schema: words },
];

function encodeCp1252(text: string): Buffer {
  const special: Record<string, number> = { '€': 0x80 };
  return Buffer.from([...text].map((char) => special[char] ?? char.charCodeAt(0)));
}

const dir = join(root, 'files');
mkdirSync(dir, { recursive: true });
for (const item of cases) writeFileSync(join(dir, item.file), item.bytes);

/**
 * frictionless-py is given each file as a one-resource package (`type: table`, which it needs to
 * read a .json file as a table). For the cp1252 file it is also told the encoding: its chardet
 * guesses iso8859-4 for a file this short (ï read as ī), where our rule reads cp1252.
 */
describe('encodings, zip and JSON data files against frictionless-py', () => {
  const available = hasPythonModule('frictionless') && hasPythonModule('ijson');
  const reference = available
    ? runPythonJson<{ case: string; resources?: { errors: Triple[]; rows: number }[]; exception?: string }[]>(
        readFileSync(join(repoRoot, 'test/validate-data/frictionless_package.py'), 'utf8'),
        cases.map((item) => {
          const folder = join(dir, item.file.replace(/\W+/g, '-'));
          mkdirSync(folder, { recursive: true });
          writeFileSync(join(folder, item.file), item.bytes);
          const resource = { name: 'data', path: item.file, type: 'table', schema: item.schema, ...(item.fixture === 'cp1252' ? { encoding: 'cp1252' } : {}) };
          writeFileSync(join(folder, 'datapackage.json'), JSON.stringify({ resources: [resource] }));
          return { case: item.fixture, package: join(folder, 'datapackage.json') };
        }),
      )
    : [];

  for (const item of cases) {
    it.skipIf(!available)(`${item.fixture}: the same errors`, async () => {
      const expected = reference.find((entry) => entry.case === item.fixture)!;
      expect(expected.exception).toBeUndefined();
      const schema = parseSchema(join(dir, `${item.file}.schema.json`), JSON.stringify(item.schema));
      const report = await validateResource({ name: '', paths: [join(dir, item.file)], schema, read: {} }, [], { maxErrors: 1000 });
      expect({ errors: report.errors.map((e): Triple => [e.code, e.rowNumber ?? null, e.fieldName ?? '']), rows: report.rowCount }).toEqual({ errors: expected.resources![0]!.errors, rows: expected.resources![0]!.rows });
      if (item.encoding) expect(report.encoding).toBe(item.encoding);
    });
  }
});

describe('the encoding input', () => {
  it('reads the file in the encoding given and reports it', async () => {
    const work = join(root, 'given');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'data.csv'), encodeCp1252('id,word\n1,café\n'));
    writeFileSync(join(work, 'schema.json'), JSON.stringify(words));
    const run = await cli(work, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--encoding', 'latin-1', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.json!.encoding).toBe('latin-1');
    const wrong = await cli(work, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--encoding', 'utf-8']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('data.csv');
    const unknown = await cli(work, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--encoding', 'klingon']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown encoding 'klingon'");
  });

  it('refuses a zip archive holding two files, naming them', async () => {
    const path = join(root, 'two.zip');
    writeFileSync(path, zipOf({ 'a.csv': Buffer.from('id\n1\n'), 'b.csv': Buffer.from('id\n2\n') }));
    await expect(openResourceTable([path])).rejects.toThrow(/holds 2 files \(a\.csv, b\.csv\)/);
  });
});
