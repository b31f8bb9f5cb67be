import { schema as published } from '@octokit/graphql-schema';
import { buildSchema, getVariableValues, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

let built: GraphQLSchema | undefined;

/** What GitHub's published GraphQL schema refuses about a request: the document, or its variables. */
export function graphqlViolations(query: string, variables: Record<string, unknown>): string[] {
  // The published SDL repeats a field or two; GitHub serves it, so do not hold it to stricter rules.
  built ??= buildSchema(published.idl, { assumeValidSDL: true });
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return [`GraphQL does not parse: ${String(error)}`];
  }
  const problems = validate(built, document).map((error) => `GraphQL: ${error.message}`);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (operation) {
    const coerced = getVariableValues(built, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) problems.push(...coerced.errors.map((error) => `GraphQL variables: ${error.message}`));
  }
  return problems;
}
