import assert from 'node:assert/strict';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { gradeResponse, graderEnvironment, itemHashOf, prepareGrader, toRecordedGrade } from './grade';
import type { Grader } from './graders/types';
import { nodeResultsFileSystem as fs } from './nodeFs';
import type { ModelProvider } from './providers/types';
import { RunSession } from './session';
import { CheckSetupError } from './setup';

describe('grading', () => {
  let workspace: Workspace;
  let chats: number;
  const provider: ModelProvider = {
    id: 'http://a/v1',
    kind: 'openai',
    baseUrl: 'http://a/v1',
    complete: async () => {
      chats++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { text: 'GRADE: 7' };
    },
  };
  beforeEach(async () => {
    workspace = await makeWorkspace({});
    chats = 0;
  });
  afterEach(() => workspace.cleanup());
  const open = () => RunSession.open({ fs, cachePath: `${workspace.root}/cache.jsonl`, provider, concurrency: 1, retries: 0, timeoutMs: 1000 });

  it('grades a response once: the verdict is cached by grader fingerprint, response and item', async () => {
    let graded = 0;
    const grader: Grader = { type: 't', fingerprint: 'fp1', itemProblem: () => undefined, grade: async ({ response }) => (graded++, { behavior: response === 'yes', detail: 'd' }) };
    const item = { prompt: 'q' };
    const input = { item, itemHash: itemHashOf(item), messages: [], response: 'yes', responseKey: 'd'.repeat(64) };
    const session = await open();
    assert.deepEqual(await gradeResponse(session, grader, input), { behavior: true, capability: null, score: null, detail: 'd' });
    assert.deepEqual(await gradeResponse(session, grader, input), { behavior: true, capability: null, score: null, detail: 'd' });
    assert.equal(graded, 1);
    await gradeResponse(session, { ...grader, fingerprint: 'fp2' }, input);
    await gradeResponse(session, grader, { ...input, itemHash: itemHashOf({ prompt: 'other' }) });
    assert.equal(graded, 3);
    await session.close();
  });

  it('refuses a grader that returns no verdict, naming it', () => {
    assert.throws(() => toRecordedGrade({ detail: 'x' } as never, 'module'), /The module grader returned no verdict/);
    assert.deepEqual(toRecordedGrade({ behavior: false, capability: true, score: Number.NaN, detail: 5 as never }, 'x'), { behavior: false, capability: true, score: null, detail: '' });
  });

  it("judge requests go through the session's cache, and identical ones in flight share one request", async () => {
    const session = await open();
    const environment = graderEnvironment(session, { baseDir: workspace.root });
    const request = { model: 'judge', messages: [{ role: 'user' as const, content: 'grade' }], temperature: 0, maxTokens: 5 };
    const answers = await Promise.all([environment.chat(request, session.stopSignal), environment.chat(request, session.stopSignal)]);
    assert.deepEqual(answers, ['GRADE: 7', 'GRADE: 7']);
    assert.equal(chats, 1);
    assert.equal(await environment.chat(request, session.stopSignal), 'GRADE: 7');
    assert.equal(chats, 1);
    await session.close();
  });

  it('makes the grader and checks items and its preflight before anything is sent; problems are setup errors', async () => {
    const session = await open();
    const environment = graderEnvironment(session, { baseDir: workspace.root });
    await assert.rejects(prepareGrader(() => { throw new Error('bad regex'); }, environment, () => {}, session.stopSignal), (error: unknown) => error instanceof CheckSetupError && /bad regex/.test(error.message));
    const grader: Grader = { type: 't', fingerprint: 'f', itemProblem: () => undefined, grade: async () => ({ behavior: true, detail: '' }), preflight: async () => { throw new Error('no python3'); } };
    await assert.rejects(prepareGrader(() => grader, environment, () => {}, session.stopSignal), (error: unknown) => error instanceof CheckSetupError && /no python3/.test(error.message));
    let checked = 0;
    await prepareGrader(() => ({ ...grader, preflight: undefined }), environment, () => void checked++, session.stopSignal);
    assert.equal(checked, 1);
    await session.close();
  });
});
