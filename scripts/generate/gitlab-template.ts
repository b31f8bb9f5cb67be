import { envInputName } from '../../shared/runner/env-inputs.js';
import { inputFields, type InputField } from '../../shared/runner/input-fields.js';
import type { StepDefinition } from '../../shared/runner/types.js';
import { GENERATED_NOTICE, yamlText } from './yaml-text.js';

// Lists are strings (one value per line, or a JSON array): a job variable must be a string, and
// GitLab keeps an array input's type when a value is exactly `$[[ inputs.x ]]`.
const SPEC_TYPE: Record<InputField['kind'], string> = { string: 'string', number: 'number', boolean: 'boolean', enum: 'string', 'string-list': 'string' };

function specInput(field: InputField): Record<string, unknown> {
  const list = field.kind === 'string-list' ? ' One value per line, or a JSON array.' : '';
  const input: Record<string, unknown> = { description: `${field.description}${list}`, type: SPEC_TYPE[field.kind] };
  if (field.choices) input.options = field.choices;
  if (!field.required) input.default = field.kind === 'string-list' ? ((field.default as string[] | undefined) ?? []).join('\n') : (field.default ?? (field.kind === 'boolean' ? false : field.kind === 'number' ? null : ''));
  if (input.default === null) input.default = '';
  if (field.kind === 'number' && input.default === '') input.type = 'string';
  return input;
}

/** A GitLab CI/CD component: spec inputs from the schema, passed to the CLI as MODELCI_INPUT_* variables. */
export function gitlabTemplate(step: StepDefinition): string {
  const fields = inputFields(step.inputs);
  const spec = {
    spec: {
      inputs: {
        'job-name': { description: 'Name of the job this component adds.', default: `modelci-${step.name}` },
        stage: { description: 'Stage the job runs in.', default: 'test' },
        'modelci-version': { description: 'modelci version from npm.', default: 'latest' },
        image: { description: 'Image with Node.js 20 or newer (and whatever your own commands need).', default: 'node:24' },
        'out-dir': { description: 'Where evidence and step files go; kept as job artifacts.', default: '.modelci' },
        ...Object.fromEntries(fields.map((field) => [field.name, specInput(field)])),
      },
    },
  };
  const variables: Record<string, string> = { MODELCI_PLATFORM: 'gitlab', MODELCI_DOTENV: '$[[ inputs.out-dir ]]/modelci.env' };
  for (const field of fields) variables[envInputName(field)] = `$[[ inputs.${field.name} ]]`;
  const job = {
    '$[[ inputs.job-name ]]': {
      stage: '$[[ inputs.stage ]]',
      image: '$[[ inputs.image ]]',
      variables,
      // MODELCI_BIN lets runners with modelci preinstalled (and our self-test) skip the npm download.
      script: [`\${MODELCI_BIN:-npx --yes modelci@$[[ inputs.modelci-version ]]} ${step.name} --out-dir "$[[ inputs.out-dir ]]"`],
      artifacts: { when: 'always', paths: ['$[[ inputs.out-dir ]]/'], exclude: ['$[[ inputs.out-dir ]]/cache/**/*'], reports: { dotenv: '$[[ inputs.out-dir ]]/modelci.env' } },
    },
  };
  return `${GENERATED_NOTICE}${yamlText(spec)}---\n${yamlText(job)}`;
}
