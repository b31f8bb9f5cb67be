import { envInputName } from '../../shared/cli/env-inputs.js';
import { inputFields, type InputField } from '../../shared/steps/input-fields.js';
import type { StepDefinition } from '../../shared/steps/types.js';
import { GENERATED_NOTICE, yamlText } from './yaml-text.js';

const SPEC_TYPE: Record<InputField['kind'], string> = { string: 'string', number: 'number', boolean: 'boolean', enum: 'string', 'string-list': 'array' };

function specInput(field: InputField): Record<string, unknown> {
  const input: Record<string, unknown> = { description: field.description, type: SPEC_TYPE[field.kind] };
  if (field.choices) input.options = field.choices;
  if (!field.required) input.default = field.default ?? (field.kind === 'string-list' ? [] : field.kind === 'boolean' ? false : field.kind === 'number' ? null : '');
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
      script: [`npx --yes modelci@$[[ inputs.modelci-version ]] ${step.name} --out-dir "$[[ inputs.out-dir ]]"`],
      artifacts: { when: 'always', paths: ['$[[ inputs.out-dir ]]/'], reports: { dotenv: '$[[ inputs.out-dir ]]/modelci.env' } },
    },
  };
  return `${GENERATED_NOTICE}${yamlText(spec)}---\n${yamlText(job)}`;
}
