import { createHash } from 'node:crypto';

/**
 * Which rows were scored, independent of the model: a sha256 over the (id, label) pairs sorted
 * by id. Two evaluations with equal digests scored the same rows with the same labels, whatever
 * the row order and whatever the predictions, so compare can pair them row by row. Each field is
 * length-prefixed, so no id or label can be crafted to collide with another split.
 */
export function rowsDigest(labelsById: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  const ids = [...labelsById.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of ids) {
    const label = labelsById.get(id)!;
    hash.update(`${Buffer.byteLength(id)}:${id}${Buffer.byteLength(label)}:${label}`);
  }
  return `sha256:${hash.digest('hex')}`;
}
