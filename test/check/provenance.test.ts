// A cloned repository's `.inoculate/` (its cache and summaries) is not this user's measurement: the built CLI says
// so, re-requests instead of reusing those cached answers, and signs what it measures itself.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

describe('results measured elsewhere (CLI)', function () {
  this.timeout(60_000);
  let workspace: Workspace;
  let server: OpenAIServer;
  let configs: string;
  before(() => ensureBuiltCli());
  beforeEach(async () => {
    configs = await mkdtemp(join(tmpdir(), 'inoculate-users-'));
    server = await startOpenAIServer({ chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no') });
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile({ yes: 'Say YES.' }, ['check:', '  dataset: data.jsonl', '  samples: 4', '  grader: {type: regex, pattern: "^YES$"}']),
      'data.jsonl': jsonl(promptItems(4)),
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
    await rm(configs, { recursive: true, force: true });
  });
  const as = (user: string, args: string[]) =>
    runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, ...args], { cwd: workspace.root, env: { INOCULATE_CONFIG_DIR: join(configs, user) } });
  const chats = () => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

  it('tells measured here from found in the repository, and never reuses the latter', async () => {
    const alice = await as('alice', []);
    assert.equal(alice.status, 0, alice.stderr);
    assert.equal(chats(), 8);

    // Alice's own dry run: everything cached, her results.
    const aliceDry = await as('alice', ['--dry-run']);
    assert.match(aliceDry.stdout, /requests {5}0 \(8 answered from the cache\)/);
    assert.match(aliceDry.stdout, /earlier {6}results of \S+, measured here/);
    assert.doesNotMatch(aliceDry.stdout, /not measured by you/);

    // Bob cloned the repository with Alice's .inoculate/ in it.
    const bobDry = await as('bob', ['--dry-run']);
    assert.match(bobDry.stdout, /requests {5}8 \(0 answered from the cache\)/);
    assert.match(bobDry.stdout, /cache {8}16 cached answers not measured by you \(e\.g\. committed to the repository\): ignored, requested again/);
    assert.match(bobDry.stdout, /earlier {6}results of \S+ found in the results folder but not measured by you/);
    const bobJson = JSON.parse((await as('bob', ['--dry-run', '--json'])).stdout);
    assert.equal(bobJson.foreignCacheEntries, 16);
    assert.equal(bobJson.earlierResults.origin, 'elsewhere');

    const bob = await as('bob', []);
    assert.equal(bob.status, 0, bob.stderr);
    assert.equal(chats(), 16, 'Bob measured everything himself');
    assert.match(bob.stderr, /16 cached answers in \S+ were not measured by you .* not reused; those samples are requested again/);
    const bobAgain = await as('bob', ['--dry-run']);
    assert.match(bobAgain.stdout, /measured here/);
    assert.match(bobAgain.stdout, /requests {5}0 \(8 answered from the cache\)/);
  });
});
