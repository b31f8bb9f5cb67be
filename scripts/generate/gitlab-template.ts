import { envInputName } from '../../shared/runner/env-inputs.js';
import { inputFields, type InputField } from '../../shared/runner/input-fields.js';
import type { StepDefinition } from '../../shared/runner/types.js';
import { GENERATED_NOTICE, yamlText } from './yaml-text.js';
import { defaultText } from '../../shared/cli/help.js';
import { TOOL_VERSION } from '../../shared/version.js';

// GitLab interpolates every spec default into the job's MODELCI_INPUT_* variables, so an optional
// input's default must be empty ("not given"): the step's own default, stated in the description,
// then applies below modelci.yaml. Booleans and numbers are therefore strings here (GitLab's own
// `false` or `0` would be a value). Lists stay strings (one value per line, or a JSON array): a job
// variable must be a string, and GitLab keeps an array input's type when a value is exactly
// `$[[ inputs.x ]]`, which makes the variable an array and the job invalid.
function specInput(field: InputField): Record<string, unknown> {
  const list = field.kind === 'string-list' ? ' One value per line, or a JSON array.' : '';
  const choices = field.choices && !field.required ? ` One of: ${field.choices.join(', ')}.` : '';
  const kind = field.kind === 'boolean' && !field.required ? ' true or false.' : '';
  const fallback = defaultText(field);
  const stated = fallback !== '' ? ` Default: ${fallback}.` : '';
  const input: Record<string, unknown> = { description: `${field.description}${choices}${kind}${list}${stated}`, type: field.required && field.kind === 'number' ? 'number' : 'string' };
  if (field.required) {
    if (field.choices) input.options = field.choices;
  } else {
    input.default = '';
  }
  return input;
}

/** A GitLab CI/CD component: spec inputs from the schema, passed to the CLI as MODELCI_INPUT_* variables. */
/** Inputs every component has; a step input of the same name would silently replace one. */
const COMPONENT_INPUTS = ['job-name', 'stage', 'modelci-version', 'image', 'out-dir'];

/**
 * Steps whose job deploys to an environment named by one of their inputs. GitLab opens the job's
 * deployment from `environment:`, asks a protected environment's approvers before the job starts,
 * and sets the deployment's status from the job's result; the gate then reads those approvals.
 */
const ENVIRONMENT_INPUT: Record<string, string> = { gate: 'stage-name' };

function jobEnvironment(step: StepDefinition, fields: InputField[]): { environment?: { name: string; action: 'start' } } {
  const input = ENVIRONMENT_INPUT[step.name];
  if (!input) return {};
  if (!fields.some((field) => field.name === input)) throw new Error(`${step.name}: the GitLab job's environment is named by the input '${input}', which the step no longer has`);
  return { environment: { name: `$[[ inputs.${input} ]]`, action: 'start' } };
}

export function gitlabTemplate(step: StepDefinition): string {
  const fields = inputFields(step.inputs);
  const clash = fields.find((field) => COMPONENT_INPUTS.includes(field.name));
  if (clash) throw new Error(`${step.name}: the input '${clash.name}' collides with the GitLab component's own '${clash.name}' input; rename it`);
  const spec = {
    spec: {
      inputs: {
        'job-name': { description: 'Name of the job this component adds.', default: `modelci-${step.name}` },
        stage: { description: 'Stage the job runs in.', default: 'test' },
        'modelci-version': { description: 'modelci version from npm; defaults to the version of this component.', default: TOOL_VERSION },
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
      ...jobEnvironment(step, fields),
      variables,
      // MODELCI_BIN lets runners with modelci preinstalled (and our self-test) skip the npm download.
      script: [`\${MODELCI_BIN:-npx --yes modelci@$[[ inputs.modelci-version ]]} ${step.name} --out-dir "$[[ inputs.out-dir ]]"`],
      artifacts: { when: 'always', paths: ['$[[ inputs.out-dir ]]/'], exclude: ['$[[ inputs.out-dir ]]/cache/**/*'], reports: { dotenv: '$[[ inputs.out-dir ]]/modelci.env', ...(step.gitlabMetrics ? { metrics: `$[[ inputs.out-dir ]]/${step.gitlabMetrics}` } : {}) } },
    },
  };
  return `${GENERATED_NOTICE}${yamlText(spec)}---\n${yamlText(job)}`;
}
