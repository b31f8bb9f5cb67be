// Writes action.yml files, GitLab component templates and docs/inputs.md from the step schemas.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSteps } from '../shared/cli/step-catalog.js';
import { generatedFiles } from './generate/generated-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = generatedFiles(await loadSteps());
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
// Drop folders of steps that no longer exist, so a removed step leaves no stale action behind.
for (const entry of readdirSync(join(root, 'actions'), { withFileTypes: true })) {
  if (entry.isDirectory() && !files.has(`actions/${entry.name}/action.yml`)) rmSync(join(root, 'actions', entry.name), { recursive: true });
}
for (const entry of readdirSync(join(root, 'gitlab/templates'))) {
  if (!files.has(`gitlab/templates/${entry}`)) rmSync(join(root, 'gitlab/templates', entry));
}
console.log(`wrote ${files.size} files`);
