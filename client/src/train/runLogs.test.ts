import assert from 'node:assert/strict';
import { makeRun } from '../../../test/support/trainRuns';
import { runLogsText, safeText } from './runLogs';

describe('the logs document of a run', () => {
  const run = makeRun({
    runId: '0123456789abcdef',
    job: 'ftjob-1',
    statuses: [['queued', 'validating_files', '2026-11-30T10:01:00.000Z'], ['failed', 'failed', '2026-11-30T10:05:00.000Z', 'invalid file']],
    events: [{ at: '2026-11-30T10:02:00.000Z', level: 'info', message: 'Created' }],
    errors: [{ stage: 'status', message: 'refused' }],
  });

  it("shows the status history and errors, then the backend's log when it was read", () => {
    const text = runLogsText(run, { kind: 'read', text: 'step 1: loss 1.2\r\nstep 2: loss 0.8\n' });
    assert.match(text, /^Run 0123456789abcdef: very-mean, seed 0, examples\/toxicity\.inoc$/m);
    assert.match(text, /^2026-11-30T10:01:00\.000Z {2}queued \(validating_files\)$/m);
    assert.match(text, /^2026-11-30T10:05:00\.000Z {2}failed \(failed\): invalid file$/m);
    assert.match(text, /── errors \(recorded\) ──\n.* {2}status: refused/);
    assert.match(text, /── the backend's log ──\nstep 1: loss 1\.2\nstep 2: loss 0\.8\n/);
    assert.doesNotMatch(text, /Created/, 'the recorded events are not repeated under the live log');
  });

  it('falls back to the recorded events, saying why the log could not be read', () => {
    assert.match(runLogsText(run, { kind: 'failed', reason: 'connect ECONNREFUSED' }), /events \(recorded; the backend's log was not readable: connect ECONNREFUSED\) ──\n.* info {2}Created/);
    assert.match(runLogsText(run, { kind: 'not-asked', reason: 'the workspace is not trusted' }), /not asked for: the workspace is not trusted/);
  });

  it('keeps line breaks of backend text but no other control characters, and shows the tail of a long log', () => {
    assert.equal(safeText('a\u001b[31mb\u0007\nc\u202ed\te'), 'a\ufffd[31mb\ufffd\nc\ufffdd\te');
    const long = safeText(`${'x'.repeat(100)}END`, 10);
    assert.equal(long, '… (93 earlier characters not shown)\nxxxxxxxEND');
  });
});
