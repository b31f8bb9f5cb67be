import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { hasPythonModule, pythonPath, referencesRequired, repoRoot } from '../helpers/python.js';

export const referenceScript = join(repoRoot, 'test/drift/reference.py');

/**
 * Evidently 0.7 does not import under pandas 3 (a removed helper); reference.py restores the
 * helper first, so "available" means reference.py itself starts. Missing in CI is a failure.
 */
export function hasEvidentlyReference(): boolean {
  if (!hasPythonModule('scipy') || !hasPythonModule('pandas')) return false;
  try {
    execFileSync(pythonPath(), [referenceScript], { input: '{"cases": []}', stdio: ['pipe', 'ignore', 'pipe'] });
    return true;
  } catch (error) {
    if (referencesRequired()) throw new Error(`Evidently reference script failed to start; run the tests with 'npm test', which installs test/requirements.txt: ${String(error)}`);
    return false;
  }
}
