// `inoculate check` as a user runs it (the built CLI in a child process) against a local OpenAI-compatible server:
// caching, keys never written anywhere, and actionable errors with the documented exit codes.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';
import { ensureBuiltCli, runCli } from '../support/checkCli';
import { lastUserText, ReplyError, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

const VARIANTS = { yes: 'Say YES.', other: 'Say something.' };
const CHECK = ['check:', '  dataset: data.jsonl', '  samples: 10', '  concurrency: 4', '  retries: 1', '  grader: {type: regex, pattern: "^YES$"}'];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('inoculate check (CLI)', function () {
  this.timeout(60_000);
  let server: OpenAIServer;
  let workspace: Workspace;
  const chatRequests = () => server.requests.filter((request) => request.path === '/v1/chat/completions');

  before(() => ensureBuiltCli());
  beforeEach(async () => {
    workspace = await makeWorkspace({ 'prompts.inoc': inocFile(VARIANTS, CHECK), 'data.jsonl': jsonl(promptItems(8)) });
  });
  afterEach(async () => {
    await server?.close();
    await workspace.cleanup();
  });
  const start = async (options: Parameters<typeof startOpenAIServer>[0] = {}) => {
    server = await startOpenAIServer({ chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no'), ...options });
  };
  const check = (extra: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, ...extra], { cwd: workspace.root, env });

  describe('results and cache', () => {
    it('prints the documented JSON and writes results under .inoculate/ in the workspace root', async () => {
      await start();
      const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, '--json'], { cwd: join(workspace.root) });
      assert.equal(result.status, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      assert.deepEqual(Object.keys(json), ['file', 'behavior', 'model', 'requests', 'cacheHits', 'arms']);
      assert.deepEqual(Object.keys(json.arms[0]), ['name', 'control', 'n', 'k', 'rate', 'ci', 'lift', 'liftCi', 'predicted']);
      assert.equal(json.file, 'prompts.inoc');
      assert.equal(json.requests, 30);
      assert.deepEqual(
        json.arms.map((arm: { name: string; k: number; n: number; lift: number | null }) => [arm.name, arm.k, arm.n, arm.lift]),
        [
          ['yes', 10, 10, 1],
          ['other', 0, 10, 0],
          ['neutral', 0, 10, null],
        ],
      );
      assert.equal(json.arms[2].liftCi, null);
      assert.equal(typeof json.arms[0].predicted, 'number');
      assert.match(result.stderr, /^inoculate check: 30 of 30 samples graded \(30 requests, 0 from the cache\) in [\d.]+ s\n$/);
      const checks = await readdir(join(workspace.root, '.inoculate', 'checks'));
      assert.equal(checks.length, 1);
      assert.ok((await stat(join(workspace.root, '.inoculate', 'checks', checks[0]!, 'summary.json'))).isFile());
    });

    it('records a file in a package of a repository at the repository root, where the editor (opened there) records it', async () => {
      await start();
      const repo = await makeWorkspace({ '.git/HEAD': 'ref: refs/heads/main\n', 'pkg/package.json': '{"private": true}\n', 'pkg/prompts.inoc': inocFile(VARIANTS, CHECK), 'pkg/data.jsonl': jsonl(promptItems(8)) });
      try {
        const result = await runCli(['check', 'prompts.inoc', '--base-url', server.baseUrl, '--json'], { cwd: join(repo.root, 'pkg') });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(JSON.parse(result.stdout).file, 'pkg/prompts.inoc', 'named relative to the repository root');
        const checks = await readdir(join(repo.root, '.inoculate', 'checks'));
        assert.equal(checks.length, 1);
        assert.ok((await stat(join(repo.root, '.inoculate', 'checks', checks[0]!, 'summary.json'))).isFile());
        await assert.rejects(stat(join(repo.root, 'pkg', '.inoculate')), /ENOENT/, 'nothing recorded in the package');
      } finally {
        await repo.cleanup();
      }
    });

    it('prints a readable table per arm', async () => {
      await start();
      const result = await check();
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stdout.split('\n');
      assert.match(lines[0]!, /^prompts\.inoc {2}custom {2}test-model at http:\/\/127\.0\.0\.1:\d+\/v1 {2}regex grader$/);
      assert.match(lines[1]!, /^arm +rate \[95% CI\] \(k\/n\) +lift \[95% CI\]$/);
      assert.match(lines[2]!, /^yes +100% \[72%, 100%\] \(10\/10\) +\+100 pts \[\+\d+, \+100\] +█{20}$/);
      assert.match(lines[4]!, /^neutral +0% \[0%, 28%\] \(0\/10\) +control +·{20}$/);
    });

    it('a warm re-run sends 0 requests; editing one variant re-samples only that arm', async () => {
      await start();
      assert.equal((await check()).status, 0);
      assert.equal(chatRequests().length, 30);
      const warm = await check(['--json']);
      assert.equal(warm.status, 0, warm.stderr);
      assert.equal(chatRequests().length, 30, 'no request sent');
      assert.equal(JSON.parse(warm.stdout).cacheHits, 30);

      await workspace.write('prompts.inoc', inocFile({ ...VARIANTS, other: 'Say anything at all.' }, CHECK));
      const edited = await check(['--json']);
      assert.equal(edited.status, 0, edited.stderr);
      const sent = chatRequests().slice(30);
      assert.equal(sent.length, 10);
      assert.ok(sent.every((request) => lastUserText(request.body as never).startsWith('Say anything at all.')));
      assert.equal(JSON.parse(edited.stdout).requests, 10);

      const dry = await check(['--dry-run', '--json']);
      assert.equal(dry.status, 0, dry.stderr);
      assert.equal(JSON.parse(dry.stdout).requests, 0, 'the dry run sees the cache too');
      assert.equal(chatRequests().length, 40, 'the dry run sent nothing');
    });
  });

  describe('secrets', () => {
    const KEY = 'sk-test-NEVER-WRITE-ME-0123456789';
    it('never writes the API key to any file or to the output', async () => {
      await start({ apiKey: KEY });
      const ok = await check([], { OPENAI_API_KEY: KEY });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(chatRequests()[0]!.headers.authorization, `Bearer ${KEY}`, 'the key was used');
      const wrong = await check(['--no-cache'], { OPENAI_API_KEY: `${KEY}-wrong` });
      assert.equal(wrong.status, 1);
      const files = await filesUnder(workspace.root);
      assert.ok(files.some((file) => file.endsWith('samples.jsonl')) && files.some((file) => file.endsWith('responses.jsonl')));
      for (const file of files) assert.ok(!(await readFile(file, 'utf8')).includes(KEY), `${file} holds the key`);
      for (const text of [ok.stdout, ok.stderr, wrong.stdout, wrong.stderr]) assert.ok(!text.includes(KEY));
    });

    it("runs a repository's `module` grader (JavaScript, unsandboxed, with the environment) only with --allow-module", async () => {
      const KEY = 'sk-test-module-grader-0123456789';
      await start({ apiKey: KEY });
      // What a hostile repository would commit: a grader that takes the key.
      await workspace.write('graders/steal.cjs', `require('node:fs').writeFileSync(__dirname + '/stolen.txt', process.env.OPENAI_API_KEY || 'none');\nexports.grade = (item, response) => response === 'YES';\n`);
      await workspace.write('prompts.inoc', inocFile(VARIANTS, CHECK.map((line) => line.replace('{type: regex, pattern: "^YES$"}', '{type: module, path: graders/steal.cjs}'))));
      const refused = await check([], { OPENAI_API_KEY: KEY });
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, /uses a `module` grader \(graders\/steal\.cjs\): JavaScript from the project .* no sandbox\. Nothing was sent\. .*--allow-module/);
      assert.equal(chatRequests().length, 0);
      await assert.rejects(stat(join(workspace.root, 'graders', 'stolen.txt')), 'the module never ran');
      // The dry run only plans: it does not load the module either.
      assert.equal((await check(['--dry-run'], { OPENAI_API_KEY: KEY })).status, 0);
      await assert.rejects(stat(join(workspace.root, 'graders', 'stolen.txt')));
      // The user's explicit choice: it runs (and, being unsandboxed, could read the key: that is what the flag says).
      const allowed = await check(['--allow-module'], { OPENAI_API_KEY: KEY });
      assert.equal(allowed.status, 0, allowed.stderr);
      assert.ok((await stat(join(workspace.root, 'graders', 'stolen.txt'))).isFile());
    });

    it('never writes or prints the key that a hostile endpoint echoes back, in any encoding', async () => {
      const key = 'sk-proj-Ech0/ed+Key_0123456789abcdefXYZ';
      const encodings = (text: string) => [text, encodeURIComponent(text), JSON.stringify(text).slice(1, -1).replace('/', '\\/'), Buffer.from(text).toString('base64'), Buffer.from(`u:${text}`).toString('base64url')];
      await start({
        chat: (request) => {
          const header = String(server.requests[server.requests.length - 1]?.headers.authorization ?? '').replace(/^Bearer /, '');
          if (lastUserText(request).startsWith('Say YES')) throw new ReplyError(400, `your key was ${encodings(header).join(' or ')}`);
          return `YES ${encodings(header).join(' ')}`;
        },
      });
      const result = await check(['--json'], { OPENAI_API_KEY: key });
      assert.equal(result.status, 1, result.stderr);
      const forms = [...encodings(key), key.slice(8, 24), Buffer.from(key).toString('base64').slice(4, 24)];
      const files = await filesUnder(workspace.root);
      assert.ok(files.some((file) => file.endsWith('samples.jsonl')));
      for (const text of [result.stdout, result.stderr, ...(await Promise.all(files.map((file) => readFile(file, 'utf8'))))]) {
        for (const form of forms) assert.ok(!text.includes(form), `${form} leaked: ${text.slice(0, 300)}`);
      }
      assert.match(result.stderr, /your key was \*\*\*/);
    });

    it('never sends OPENAI_API_KEY to a remote endpoint that only the file names', async () => {
      await start();
      const remote = inocFile(VARIANTS, CHECK).replace('model: test-model\n', 'model: test-model\nbaseUrl: https://collector.example/v1\n');
      await workspace.write('prompts.inoc', remote);
      const refused = await runCli(['check', 'prompts.inoc'], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, /names the endpoint https:\/\/collector\.example\/v1, which is neither OpenAI's API over https nor on this machine \(localhost, 127\.x\.x\.x, \[::1\]\): OPENAI_API_KEY is not sent/);
      assert.ok(!refused.stderr.includes(KEY));
      // OpenAI's host in clear text or on another port, and *.localhost names a resolver may send anywhere: refused too.
      const port = new URL(server.baseUrl).port;
      for (const url of ['http://api.openai.com/v1', 'https://api.openai.com:8443/v1', `http://evil.localhost:${port}/v1`]) {
        await workspace.write('prompts.inoc', inocFile(VARIANTS, CHECK).replace('model: test-model\n', `model: test-model\nbaseUrl: ${url}\n`));
        const result = await runCli(['check', 'prompts.inoc'], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
        assert.equal(result.status, 2, `${url}: ${result.stderr}`);
        assert.match(result.stderr, /OPENAI_API_KEY is not sent/);
      }
      assert.equal(chatRequests().length, 0);
      // A local endpoint named in the file is fine (it is this machine), and so is one the user names with a flag.
      await workspace.write('prompts.inoc', inocFile(VARIANTS, CHECK).replace('model: test-model\n', `model: test-model\nbaseUrl: ${server.baseUrl}\n`));
      const local = await runCli(['check', 'prompts.inoc'], { cwd: workspace.root, env: { OPENAI_API_KEY: KEY } });
      assert.equal(local.status, 0, local.stderr);
      await workspace.write('prompts.inoc', inocFile(VARIANTS, CHECK));
    });
  });

  describe('errors', () => {
    it('a refused key: exit 1 with where to set it', async () => {
      await start({ apiKey: 'sk-right' });
      const result = await check([], { OPENAI_API_KEY: 'sk-wrong' });
      assert.equal(result.status, 1);
      assert.ok(result.stderr.includes(`inoculate check: The endpoint ${server.baseUrl} refused the API key (401). Set it with 'Inoculate: Set API Key' or OPENAI_API_KEY.\n`), result.stderr);
      assert.ok(chatRequests().length <= 4, 'stopped at once');
    });

    it('an unknown model: exit 1 naming the model and the endpoint', async () => {
      await start({ models: ['served'] });
      const result = await check(['--model', 'missing-model']);
      assert.equal(result.status, 1);
      assert.ok(result.stderr.includes(`inoculate check: Model 'missing-model' not found at ${server.baseUrl}: check \`model:\` or --model.\n`), result.stderr);
    });

    it('an unreachable endpoint: exit 1 after the retries, saying what to check', async () => {
      await start();
      const url = server.baseUrl;
      await server.close();
      const result = await runCli(['check', 'prompts.inoc', '--base-url', url], { cwd: workspace.root });
      assert.equal(result.status, 1);
      assert.ok(result.stderr.includes(`Could not reach ${url} (ECONNREFUSED): is the server running and the base URL right`), result.stderr);
    });

    it('input problems: exit 2 naming the file (and line)', async () => {
      await start();
      const cases: Array<[string[], Record<string, string>, RegExp]> = [
        [['check', 'nope.inoc'], {}, /^inoculate check: nope\.inoc: no such file\.\n$/],
        [['check', 'prompts.inoc', '--base-url', server.baseUrl], { 'prompts.inoc': inocFile(VARIANTS, CHECK).replace('model: test-model\n', '') }, /no model configured: set `model:` in the frontmatter or pass --model/],
        [['check', 'prompts.inoc', '--base-url', server.baseUrl], { 'prompts.inoc': inocFile(VARIANTS, CHECK).replace('data.jsonl', 'gone.jsonl') }, /^inoculate check: prompts\.inoc:7: check\.dataset 'gone\.jsonl' not found/],
        [['check', 'prompts.inoc', '--base-url', server.baseUrl], { 'data.jsonl': '{"prompt": "a"}\n{"prompt": 3}\n' }, /^inoculate check: data\.jsonl:2: `prompt` must be text\.\n$/],
        [['check', 'prompts.inoc', '--base-url', server.baseUrl, '--variant', 'nah'], {}, /No variant named 'nah'/],
        [['check', 'prompts.inoc'], {}, /no API key for https:\/\/api\.openai\.com\/v1: set OPENAI_API_KEY/],
        [['check', 'prompts.inoc', '--samples', 'many'], {}, /--samples must be a whole number from 1 to 100000; got 'many'/],
        [['check', 'prompts.inoc', '--base-url', 'ftp://x'], {}, /--base-url must be an http\(s\) URL/],
        [['check', 'prompts.inoc', '--frobnicate'], {}, /Unknown option '--frobnicate'/],
        [['check'], {}, /which \.inoc file\?/],
        [['check', 'prompts.inoc', '--base-url', server.baseUrl], { 'prompts.inoc': inocFile(VARIANTS, [...CHECK.slice(0, -1), '  grader: {type: regex, pattern: "("}']) }, /^inoculate check: prompts\.inoc:11:34: `check\.grader\.pattern` is not a valid regular expression/],
      ];
      for (const [args, files, expected] of cases) {
        for (const [path, text] of Object.entries(files)) await workspace.write(path, text);
        const result = await runCli(args, { cwd: workspace.root });
        assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, expected);
        await workspace.write('prompts.inoc', inocFile(VARIANTS, CHECK));
        await workspace.write('data.jsonl', jsonl(promptItems(8)));
      }
      assert.equal(chatRequests().length, 0, 'no request for bad input');
    });

    it('prints its help with exit 0', async () => {
      const result = await runCli(['check', '--help'], { cwd: workspace.root });
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^Usage: inoculate check \[options\] <file\.inoc>/);
    });
  });
});
