import assert from 'node:assert/strict';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../../test/support/checkFixtures';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../../test/support/openaiServer';
import { checkCommand, checkJson } from './check';
import type { CliIO } from './io';

function capture(isTTY: boolean) {
  let text = '';
  return { stream: { isTTY, write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('inoculate check (command)', () => {
  let server: OpenAIServer;
  let workspace: Workspace;
  beforeEach(async () => {
    server = await startOpenAIServer({ chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no') });
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile({ yes: 'Say YES.' }, ['check:', '  dataset: data.jsonl', '  samples: 6', '  grader: {type: regex, pattern: "^YES$"}']),
      'data.jsonl': jsonl(promptItems(3)),
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  const io = (stdoutTTY: boolean, stderrTTY: boolean, env: NodeJS.ProcessEnv = {}, signal = new AbortController().signal) => {
    const stdout = capture(stdoutTTY);
    const stderr = capture(stderrTTY);
    const cli: CliIO = { stdout: stdout.stream, stderr: stderr.stream, env: { NO_COLOR: '1', ...env }, cwd: workspace.root, signal };
    return { cli, stdout, stderr };
  };

  it('draws a progress bar on a terminal and ends with one summary line', async () => {
    const { cli, stdout, stderr } = io(true, true);
    assert.equal(await checkCommand(['prompts.inoc', '--base-url', server.baseUrl], cli), 0);
    assert.match(stderr.text(), /\r\x1b\[2K█+ 12\/12/);
    assert.match(stderr.text(), /inoculate check: 12 of 12 samples graded \(12 requests, 0 from the cache\) in [\d.]+ s\n$/);
    assert.match(stdout.text(), /^prompts\.inoc {2}custom/);
  });

  it('writes nothing but the final line to a stderr that is not a terminal', async () => {
    const { cli, stderr } = io(false, false);
    assert.equal(await checkCommand(['prompts.inoc', '--base-url', server.baseUrl], cli), 0);
    assert.match(stderr.text(), /^inoculate check: 12 of 12 samples graded \(12 requests, 0 from the cache\) in [\d.]+ s\n$/);
  });

  it('takes the base URL from OPENAI_BASE_URL when neither flag nor file sets it, and the key from OPENAI_API_KEY', async () => {
    await server.close();
    server = await startOpenAIServer({ apiKey: 'sk-env', chat: () => 'YES' });
    const { cli, stdout } = io(false, false, { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-env' });
    assert.equal(await checkCommand(['prompts.inoc', '--json'], cli), 0);
    assert.equal(JSON.parse(stdout.text()).requests, 12);
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer sk-env');
  });

  it('prefers --base-url over the file\'s baseUrl, and the file over OPENAI_BASE_URL', async () => {
    await workspace.write('prompts.inoc', inocFile({ yes: 'Say YES.' }, [`baseUrl: ${server.baseUrl}`, 'check:', '  dataset: data.jsonl', '  samples: 6', '  retries: 0', '  grader: {type: regex, pattern: "^YES$"}']));
    const unreachable = 'http://127.0.0.1:9/v1';
    const fromFile = io(false, false, { OPENAI_BASE_URL: unreachable });
    assert.equal(await checkCommand(['prompts.inoc', '--json'], fromFile.cli), 0, fromFile.stderr.text());
    const fromFlag = io(false, false);
    assert.equal(await checkCommand(['prompts.inoc', '--base-url', unreachable, '--samples', '1'], fromFlag.cli), 1);
    assert.match(fromFlag.stderr.text(), /Could not reach http:\/\/127\.0\.0\.1:9\/v1/);
  });

  it('stops when its signal aborts and returns 130', async () => {
    await server.close();
    server = await startOpenAIServer({ latencyMs: 30, chat: () => 'YES' });
    const controller = new AbortController();
    const { cli, stderr } = io(false, false, {}, controller.signal);
    setTimeout(() => controller.abort(), 80);
    assert.equal(await checkCommand(['prompts.inoc', '--base-url', server.baseUrl, '--samples', '200', '--concurrency', '2'], cli), 130);
    assert.match(stderr.text(), /interrupted; \d+ of 400 samples finished and kept/);
  });

  it('maps a summary to the documented --json shape, lift fields null for controls', () => {
    const json = checkJson({
      version: 1,
      file: 'a.inoc',
      behavior: 'toxicity',
      model: 'm',
      provider: 'openai',
      baseUrl: null,
      grader: 'moderation',
      samplesPerArm: 1,
      startedAt: '',
      finishedAt: '',
      requests: 2,
      cacheHits: 0,
      complete: true,
      arms: [
        { name: 'c', control: true, instruction: '', instructionHash: 'h', n: 1, k: 0, rate: 0, ci: [0, 0.79], lift: null, liftCi: null, predicted: null, capability: null, failed: 0 },
      ],
    });
    assert.deepEqual(json, {
      file: 'a.inoc',
      behavior: 'toxicity',
      model: 'm',
      requests: 2,
      cacheHits: 0,
      arms: [{ name: 'c', control: true, n: 1, k: 0, rate: 0, ci: [0, 0.79], lift: null, liftCi: null, predicted: null }],
    });
  });
});
