import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/** One operation of GitHub's REST description, with what a request to it may carry. */
export interface Operation {
  method: string;
  template: string;
  operationId: string;
  pathParams: Map<string, ParameterSpec>;
  queryParams: Map<string, ParameterSpec>;
  bodyRequired: boolean;
  validateBody?: ValidateFunction;
  responses: Map<number, ValidateFunction | undefined>;
}

interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonObject;
}

type JsonObject = Record<string, unknown>;

const SPEC_ID = 'github';

/**
 * OpenAPI 3.0 is JSON Schema with a few words of its own; ajv knows JSON Schema. `nullable: true`
 * becomes a type that admits null, and local `#/...` references point into the registered spec.
 */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const source = value as JsonObject;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(source)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith('#/')) out.$ref = `${SPEC_ID}${item}`;
    else if (key === 'example' || key === 'examples' || key === 'nullable' || key.startsWith('x-')) continue;
    else out[key] = toJsonSchema(item);
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function loadSpec(): JsonObject {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
}

/** GitHub's REST API as its official description states it, for checking requests and our answers. */
export class GithubDescription {
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  private readonly spec: JsonObject;
  private readonly routes: { method: string; pattern: RegExp; names: string[]; operation: () => Operation }[] = [];

  constructor(spec: JsonObject = loadSpec()) {
    this.spec = spec;
    this.ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) as JsonObject });
    for (const [template, item] of Object.entries(spec.paths as Record<string, JsonObject>)) {
      const names: string[] = [];
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const raw = item[method] as JsonObject | undefined;
        if (!raw) continue;
        let compiled: Operation | undefined;
        this.routes.push({ method: method.toUpperCase(), pattern, names, operation: () => (compiled ??= this.compile(method.toUpperCase(), template, raw, item)) });
      }
    }
  }

  /** The operation a request names, with its path parameters; undefined when the description has none. */
  match(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
    // Literal segments beat parameters, as GitHub's router does (`/comments/{id}` vs `/{issue_number}`).
    const candidates = this.routes.filter((route) => route.method === method && route.pattern.test(path));
    candidates.sort((a, b) => a.names.length - b.names.length);
    const route = candidates[0];
    if (!route) return undefined;
    const values = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
    return { operation: route.operation(), params: Object.fromEntries(route.names.map((name, index) => [name, values[index]!])) };
  }

  private resolve<T>(value: unknown): T {
    let current = value as JsonObject;
    while (current && typeof current.$ref === 'string') {
      const path = (current.$ref as string).replace(/^#\//, '').split('/');
      current = path.reduce<JsonObject>((node, key) => node[key] as JsonObject, this.spec);
    }
    return current as T;
  }

  private compile(method: string, template: string, raw: JsonObject, item: JsonObject): Operation {
    const parameters = [...((item.parameters as unknown[]) ?? []), ...((raw.parameters as unknown[]) ?? [])].map((parameter) => this.resolve<ParameterSpec>(parameter));
    const byPlace = (place: string) => new Map(parameters.filter((parameter) => parameter.in === place).map((parameter) => [parameter.name, parameter]));
    const body = raw.requestBody ? this.resolve<JsonObject>(raw.requestBody) : undefined;
    const bodySchema = (body?.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
    const responses = new Map<number, ValidateFunction | undefined>();
    for (const [status, response] of Object.entries((raw.responses as JsonObject) ?? {})) {
      const schema = (this.resolve<JsonObject>(response).content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
      responses.set(Number(status), schema ? this.ajv.compile(toJsonSchema(schema) as JsonObject) : undefined);
    }
    return {
      method,
      template,
      operationId: String(raw.operationId),
      pathParams: byPlace('path'),
      queryParams: byPlace('query'),
      bodyRequired: body?.required === true,
      ...(bodySchema ? { validateBody: this.ajv.compile(toJsonSchema(bodySchema) as JsonObject) } : {}),
      responses,
    };
  }
}

function valueMatches(schema: JsonObject, text: string): boolean {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (Array.isArray(schema.enum) && !schema.enum.map(String).includes(text)) return false;
  if (type === 'integer') return /^-?\d+$/.test(text);
  if (type === 'number') return text.trim() !== '' && Number.isFinite(Number(text));
  if (type === 'boolean') return text === 'true' || text === 'false';
  return true;
}

/** What the description refuses about a request: unknown or mistyped parameters, a body outside its schema. */
export function requestViolations(operation: Operation, params: Record<string, string>, query: URLSearchParams, body: unknown): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const spec = operation.pathParams.get(name);
    if (spec && !valueMatches(spec.schema, value)) problems.push(`path parameter ${name}=${JSON.stringify(value)} is not a ${String(spec.schema.type)}`);
  }
  for (const [name, value] of query) {
    const spec = operation.queryParams.get(name);
    if (!spec) problems.push(`query parameter '${name}' is not in the description of ${operation.operationId}`);
    else if (!valueMatches(spec.schema, value)) problems.push(`query parameter ${name}=${JSON.stringify(value)} does not match ${JSON.stringify(spec.schema)}`);
  }
  for (const spec of operation.queryParams.values()) if (spec.required && !query.has(spec.name)) problems.push(`required query parameter '${spec.name}' is missing`);
  if (body === undefined) {
    if (operation.bodyRequired) problems.push(`${operation.operationId} requires a JSON body`);
  } else if (!operation.validateBody) {
    problems.push(`${operation.operationId} takes no body`);
  } else if (!operation.validateBody(body)) {
    problems.push(`body does not match ${operation.operationId}: ${operation.validateBody.errors?.map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ')}`);
  }
  return problems;
}

/** What is wrong with an answer of ours, so the fake server cannot drift from what GitHub sends. */
export function responseViolations(operation: Operation, status: number, body: unknown): string[] {
  if (!operation.responses.has(status)) return [`${operation.operationId} does not answer ${status}`];
  const validate = operation.responses.get(status);
  if (!validate || validate(body)) return [];
  return [`our ${status} answer to ${operation.operationId} does not match the description: ${validate.errors?.map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ')}`];
}
