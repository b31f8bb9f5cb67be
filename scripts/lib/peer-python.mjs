import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Python that runs the bench peers: MODELCI_PYTHON, else the provisioned .venv, else python3. */
export function peerPython() {
  if (process.env.MODELCI_PYTHON) return process.env.MODELCI_PYTHON;
  const venv = join(root, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}
