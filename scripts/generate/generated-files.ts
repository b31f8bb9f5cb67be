import type { StepDefinition } from '../../shared/runner/types.js';
import { ROOT_ACTION_ENTRY, rootActionYml, stepActionEntry, stepActionYml } from './action-yml.js';
import { gitlabTemplate } from './gitlab-template.js';
import { ERROR_CATALOG } from '../../shared/errors/catalog.js';
import { errorsDoc } from './errors-doc.js';
import { inputsDoc } from './inputs-doc.js';
import { evidenceSchemaDoc } from './evidence-schema.js';

/** Every file derived from the step schemas (and the error catalog), by repository path. */
export function generatedFiles(steps: readonly StepDefinition[]): Map<string, string> {
  const published = steps.filter((step) => step.published !== false);
  const files = new Map<string, string>();
  files.set('action.yml', rootActionYml(published));
  files.set('actions/index.js', ROOT_ACTION_ENTRY);
  for (const step of published) {
    files.set(`actions/${step.name}/action.yml`, stepActionYml(step));
    files.set(`actions/${step.name}/index.js`, stepActionEntry(step));
    files.set(`gitlab/templates/${step.name}.yml`, gitlabTemplate(step));
  }
  files.set('docs/inputs.md', inputsDoc(steps));
  files.set('docs/errors.md', errorsDoc(ERROR_CATALOG));
  files.set('docs/evidence.schema.json', evidenceSchemaDoc(steps));
  return files;
}
