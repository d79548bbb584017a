import * as assert from 'node:assert/strict';
import { elapsedText, pollOption, stateText, terminalLine, terminalSafe } from './trainSupport';
import type { RunState } from '../../core/src/train/runStore';

describe('train CLI support', () => {
  it('shows untrusted text with control characters escaped and long text cut', () => {
    assert.equal(terminalSafe('ok\u001b[2J\u0007\u202eevil'), 'ok\\x1b[2J\\x07\\u202eevil');
    assert.equal(terminalLine('a\nb'), 'a ⏎ b');
    // The same set as terminalText: line and paragraph separators and the Arabic letter mark too.
    assert.equal(terminalSafe('a\u2028b\u2029c\u061cd'), 'a\\u2028b\\u2029c\\u061cd');
    assert.equal(terminalSafe('x'.repeat(10), 5), 'xxxx…');
  });

  it('reads --poll in seconds within bounds', () => {
    assert.equal(pollOption(undefined), 5000);
    assert.equal(pollOption('0.5'), 500);
    assert.throws(() => pollOption('0'), /from 0.01 to 3600/);
    assert.throws(() => pollOption('soon'), /from 0.01 to 3600/);
  });

  it('says a run state with its raw word, and the elapsed time', () => {
    const run = {
      attempts: [
        {
          attempt: 1, forced: false, startedAt: 'x', preflight: [], recovered: false, events: [], metrics: [], errors: [], statusHistory: [],
          submittingAt: '2026-01-01T00:00:00Z', job: { backend: 'openai', id: 'j', extra: {} },
          status: { state: 'queued', raw: 'validating_files', observedAt: '2026-01-01T00:03:05Z' },
        },
      ],
    } as unknown as RunState;
    assert.equal(stateText(run), 'queued (validating_files)');
    assert.equal(elapsedText(run, new Date('2026-01-01T01:02:00Z')), '1h 02m');
    run.attempts[0]!.status = { state: 'succeeded', raw: 'succeeded', observedAt: '2026-01-01T00:03:05Z' };
    assert.equal(stateText(run), 'succeeded');
    assert.equal(elapsedText(run), '3m 05s');
  });
});
