import * as assert from 'node:assert/strict';
import { BackendError } from '../types';
import { backendErrorFrom } from './errors';

describe('backendErrorFrom', () => {
  it('treats unreachable, 429 (with Retry-After) and 5xx as transient, the rest as permanent', () => {
    const unreachable = backendErrorFrom(new Error('connect ECONNREFUSED'), 'http://x/v1', 'status');
    assert.equal(unreachable.kind, 'transient');
    assert.match(unreachable.message, /could not reach http:\/\/x\/v1/);
    const limited = backendErrorFrom({ status: 429, headers: { 'retry-after': '3' }, message: 'slow down' }, 'e', 'w');
    assert.deepEqual([limited.kind, limited.details.retryAfterMs, limited.details.status], ['transient', 3000, 429]);
    assert.equal(backendErrorFrom({ status: 503, message: 'x' }, 'e', 'w').kind, 'transient');
    const refused = backendErrorFrom({ status: 401, message: 'bad key' }, 'e', 'w');
    assert.equal(refused.kind, 'permanent');
    assert.match(refused.message, /API key/);
    const same = new BackendError('permanent', 'kept');
    assert.equal(backendErrorFrom(same, 'e', 'w'), same);
  });
});
