import * as assert from 'node:assert/strict';
import { compilePattern, createRegexGrader } from './regex';
import type { GraderEnvironment } from './types';

const environment = {} as GraderEnvironment;
const grader = (options: Record<string, unknown>) => createRegexGrader({ type: 'regex', flags: 'i', ...options }, environment);
const grade = (options: Record<string, unknown>, response: string) =>
  grader(options).grade({ item: {}, messages: [], response, signal: new AbortController().signal });

describe('regex grader', () => {
  it('is behaviour when the response matches, case-insensitive by default', async () => {
    assert.deepEqual(await grade({ pattern: '\\b(?:hola|gracias)\\b' }, '¡Hola! Claro que sí.'), {
      behavior: true,
      detail: 'matches /\\b(?:hola|gracias)\\b/: "Hola"',
    });
    assert.deepEqual(await grade({ pattern: 'hola' }, 'Hello there.'), { behavior: false, detail: 'does not match /hola/' });
  });

  it('honours flags, and stays stateless under g/y', async () => {
    assert.equal((await grade({ pattern: 'HOLA', flags: '' }, 'hola')).behavior, false);
    const sticky = grader({ pattern: 'x', flags: 'gy' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await sticky.grade({ item: {}, messages: [], response: 'x', signal: new AbortController().signal })).behavior, true);
    }
    assert.equal(compilePattern('a', 'gimsuy').flags, 'imsu');
  });

  it('refuses a missing or broken pattern with the option named', () => {
    assert.throws(() => grader({}), /needs `pattern`/);
    assert.throws(() => grader({ pattern: '(' }), /`pattern`\/`flags` are not valid/);
    assert.throws(() => grader({ pattern: 'a', flags: 'q' }), /not valid/);
  });

  it('has no item requirements and a fingerprint that follows the pattern', () => {
    assert.equal(grader({ pattern: 'a' }).itemProblem({}), undefined);
    assert.notEqual(grader({ pattern: 'a' }).fingerprint, grader({ pattern: 'b' }).fingerprint);
  });
});
