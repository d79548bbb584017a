import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import { cohenKappa, labelsFromVerdicts } from './agreement';
import { appendLabel, graderAgreement, LabelError, latestLabels, readLabels, type SampleLabel } from './labels';

const id = (n: number) => n.toString(16).padStart(16, '0');

describe('hand labels and judge agreement', () => {
  let workspace: Workspace;
  beforeEach(async () => (workspace = await makeWorkspace({})));
  afterEach(() => workspace.cleanup());
  const path = () => `${workspace.root}/.inoculate/evals/x/labels.jsonl`;

  it('appends labels one line each, reads them back, and refuses a malformed one saying which field', async () => {
    await appendLabel(fs, path(), { record: id(1), outcome: 'behavior', verdict: 'agree', grade: true, grader: 'judge:1', who: 'ana', at: '2026-11-01T00:00:00.000Z' });
    await appendLabel(fs, path(), { record: id(2), outcome: 'capability', verdict: 'disagree', grade: false, grader: 'judge:1', who: 'ben' });
    const text = await readFile(path(), 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 2);
    const labels = await readLabels(fs, path());
    assert.deepEqual(labels.map((l) => [l.record, l.outcome, l.verdict, l.who]), [[id(1), 'behavior', 'agree', 'ana'], [id(2), 'capability', 'disagree', 'ben']]);
    await assert.rejects(appendLabel(fs, path(), { record: '../../etc', outcome: 'behavior', verdict: 'agree', grade: true, grader: 'g', who: 'x' }), (e: unknown) => e instanceof LabelError && /record id/.test(e.message));
    await assert.rejects(appendLabel(fs, path(), { record: id(3), outcome: 'behavior', verdict: 'maybe' as never, grade: true, grader: 'g', who: 'x' }), /verdict/);
    await assert.rejects(appendLabel(fs, path(), { record: id(3), outcome: 'behavior', verdict: 'agree', grade: true, grader: 'g', who: ' ' }), /who/);
    assert.equal((await readLabels(fs, path())).length, 2, 'nothing written for refused labels');
  });

  it("a person's later label on the same record and outcome replaces the earlier one", () => {
    const label = (verdict: 'agree' | 'disagree', at: string, who = 'ana'): SampleLabel => ({ record: id(1), outcome: 'behavior', verdict, grade: true, grader: 'g', who, at });
    const latest = latestLabels([label('agree', '2026-01-01T00:00:00Z'), label('disagree', '2026-01-02T00:00:00Z'), label('agree', '2026-01-01T00:00:00Z', 'ben')]);
    assert.deepEqual(latest.map((l) => [l.who, l.verdict]), [['ana', 'disagree'], ['ben', 'agree']]);
  });

  it("computes kappa per grader from the run's records, counting labels whose grade or grader changed as stale", () => {
    const records = Array.from({ length: 30 }, (_, i) => ({ id: id(i), outcome: { behavior: i % 3 === 0, capability: null } }));
    const labels: SampleLabel[] = records.map((record, i) => ({
      record: record.id,
      outcome: 'behavior',
      verdict: i < 26 ? 'agree' : 'disagree',
      grade: record.outcome.behavior,
      grader: 'judge:v1',
      who: 'ana',
      at: '2026-11-01T00:00:00Z',
    }));
    labels.push({ ...labels[0]!, record: id(99) }); // a record of another run: ignored
    labels.push({ ...labels[1]!, who: 'ben', grader: 'judge:v0' }); // an older rubric: stale
    labels.push({ ...labels[2]!, who: 'cy', grade: !labels[2]!.grade }); // given for another grade: stale
    const [behavior, capability] = graderAgreement(records, labels, [
      { outcome: 'behavior', type: 'judge', fingerprint: 'judge:v1', judge: true },
      { outcome: 'capability', type: 'judge', fingerprint: 'judge:v1', judge: true },
    ]);
    const expected = cohenKappa(labelsFromVerdicts(records.map((r) => r.outcome.behavior), records.map((_, i) => i < 26)));
    assert.equal(behavior!.used, 30);
    assert.equal(behavior!.stale, 2);
    assert.equal(behavior!.kappa.estimate, expected.estimate);
    assert.deepEqual(behavior!.kappa.ci, expected.ci);
    assert.equal(behavior!.level, expected.estimate! < 0.6 ? 'warn' : 'ok');
    assert.equal(capability!.used, 0);
    assert.equal(capability!.level, 'unknown');
    assert.match(capability!.message, /no hand labels yet/);
  });

  it('warns below kappa 0.6', () => {
    const records = Array.from({ length: 20 }, (_, i) => ({ id: id(i), outcome: { behavior: i % 2 === 0, capability: null } }));
    const labels: SampleLabel[] = records.map((record, i) => ({ record: record.id, outcome: 'behavior', verdict: i % 4 === 0 ? 'disagree' : 'agree', grade: record.outcome.behavior, grader: 'j', who: 'a', at: '2026-01-01T00:00:00Z' }));
    const [agreement] = graderAgreement(records, labels, [{ outcome: 'behavior', type: 'judge', fingerprint: 'j', judge: true }]);
    assert.equal(agreement!.level, 'warn');
    assert.match(agreement!.message, /below 0.6/);
  });
});
