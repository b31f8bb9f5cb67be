import { describe, expect, it } from 'vitest';
import { graphqlViolations } from './graphql-schema.js';

describe("the fake GitHub's GraphQL check (GitHub's published schema)", () => {
  it('accepts what modelci sends and refuses a wrong field, a wrong enum value and a missing variable', () => {
    const minimize = 'mutation($id: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $id, classifier: $classifier }) { minimizedComment { isMinimized } } }';
    expect(graphqlViolations('query { viewer { login } }', {})).toEqual([]);
    expect(graphqlViolations(minimize, { id: 'IC_1', classifier: 'OUTDATED' })).toEqual([]);
    expect(graphqlViolations('query { viewer { logn } }', {})).toEqual([expect.stringContaining('Cannot query field "logn"')]);
    expect(graphqlViolations(minimize, { id: 'IC_1', classifier: 'STALE' })).toEqual([expect.stringContaining('STALE')]);
    expect(graphqlViolations(minimize, { classifier: 'OUTDATED' })).toEqual([expect.stringContaining('$id')]);
  });
});
