import { describe, expect, it } from 'vitest';
import { GithubDescription, requestViolations, responseViolations } from './openapi.js';

// The loopback GitHub server of the report and gate tests checks every request with this.
const description = new GithubDescription();

describe("GitHub's OpenAPI description as a request checker", () => {
  it('matches a request to its operation, literal segments before parameters', () => {
    expect(description.match('GET', '/repos/o/r/issues/5/comments')).toMatchObject({ operation: { operationId: 'issues/list-comments' }, params: { issue_number: '5' } });
    expect(description.match('PATCH', '/repos/o/r/issues/comments/12')?.operation.operationId).toBe('issues/update-comment');
    expect(description.match('GET', '/repos/o/r/not-an-endpoint')).toBeUndefined();
  });

  it('refuses unknown or mistyped query parameters and bodies outside the schema', () => {
    const list = description.match('GET', '/repos/o/r/issues/5/comments')!;
    expect(requestViolations(list.operation, list.params, new URLSearchParams('per_page=100&page=2'), undefined)).toEqual([]);
    expect(requestViolations(list.operation, list.params, new URLSearchParams('per_page=many&sort=x'), undefined)).toHaveLength(2);
    const update = description.match('PATCH', '/repos/o/r/issues/comments/12')!;
    expect(requestViolations(update.operation, update.params, new URLSearchParams(), { body: 'hi' })).toEqual([]);
    expect(requestViolations(update.operation, update.params, new URLSearchParams(), { body: 1 })[0]).toContain('/body must be string');
    expect(requestViolations(update.operation, update.params, new URLSearchParams(), undefined)[0]).toContain('requires a JSON body');
  });

  it("holds the fake server's answers to the description too", () => {
    const update = description.match('PATCH', '/repos/o/r/issues/comments/12')!;
    expect(responseViolations(update.operation, 200, { id: 1 })[0]).toContain("required property 'node_id'");
    expect(responseViolations(update.operation, 418, {})[0]).toContain('does not answer 418');
  });
});
