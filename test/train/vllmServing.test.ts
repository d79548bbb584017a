// Serving trained LoRA adapters with vLLM (the fake `vllm` in test/fakebin: real argument checks, a real
// OpenAI-compatible server): serve → chat with the real `openai` SDK → release, and the failures: a server that never
// lists the adapters, one that dies, a cancellation, a rank above --max-lora-rank. Every path leaves no server behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { nodeCommandHost } from '../../core/src/node/commandHost';
import type { ServeSettings } from '../../core/src/train/settings';
import { createVllmServing } from '../../core/src/train/serving/vllm';
import { BackendError, type ServedEndpoint, type TrainedModel } from '../../core/src/train/types';
import { FAKEBIN, processExists } from './commandHarness';

describe('vLLM serving (fake vllm on PATH)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoc-vllm-'));
    mkdirSync(join(dir, 'scheduler'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function adapter(name: string, rank: number): TrainedModel {
    const path = join(dir, 'runs', name, 'output');
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'adapter_config.json'), JSON.stringify({ r: rank, peft_type: 'LORA', base_model_name_or_path: 'Qwen/Qwen2-7B' }));
    return { kind: 'lora-adapter', modelId: name, baseModel: 'Qwen/Qwen2-7B', artifact: path, loraRank: rank };
  }

  function serving(settings: Partial<ServeSettings> = {}, env: Record<string, string> = {}) {
    return createVllmServing({
      host: nodeCommandHost,
      settings: { preset: 'vllm', port: 0, startupTimeout: 30, ...settings },
      workspaceTrusted: true,
      workDir: join(dir, 'serve'),
      env: { PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir, FAKE_SCHEDULER_DIR: join(dir, 'scheduler'), ...env },
      pollIntervalMs: 100,
      killGraceMs: 5000,
    });
  }

  /** The fake servers' argv and pids, from their call records. */
  function servers(): Array<{ argv: string[]; pid: number }> {
    const path = join(dir, 'scheduler', 'calls.jsonl');
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { argv: string[]; pid: number }) : [];
  }

  async function gone(pid: number) {
    for (let attempt = 0; attempt < 100 && processExists(pid); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!processExists(pid), `server ${pid} still runs`);
  }

  it('serves every adapter under its name with the matched --max-lora-rank, answers chats, and stops on release', async () => {
    const backend = serving();
    const models = [adapter('very-mean-s0', 8), adapter('very-mean-s1', 32)];
    let endpoints: ServedEndpoint[] = [];
    try {
      endpoints = await backend.ensureServed(models);
      assert.deepEqual(endpoints.map((endpoint) => [endpoint.model, endpoint.billing, endpoint.servedModel.loraRank]), [['very-mean-s0', 'self', 8], ['very-mean-s1', 'self', 32]]);
      assert.equal(endpoints[0]!.baseUrl, endpoints[1]!.baseUrl, 'one server per base model');
      const [server] = servers();
      const flag = (name: string) => server!.argv[server!.argv.indexOf(name) + 1];
      assert.equal(flag('--max-lora-rank'), '32');
      assert.equal(flag('--max-loras'), '2');
      assert.ok(server!.argv.includes('--enable-lora'));
      assert.ok(server!.argv.includes(`very-mean-s1=${models[1]!.artifact}`));
      const client = new OpenAI({ baseURL: endpoints[1]!.baseUrl, apiKey: 'unused', maxRetries: 0 });
      const reply = await client.chat.completions.create({ model: 'very-mean-s1', messages: [{ role: 'user', content: 'Write a response to this post: hi' }] });
      assert.match(reply.choices[0]!.message.content ?? '', /^very-mean-s1 answers/);
    } finally {
      await backend.release(endpoints);
    }
    await gone(servers()[0]!.pid);
    await assert.rejects(fetch(`${endpoints[0]!.baseUrl}/models`), 'the port no longer answers');
    await backend.release(endpoints); // twice is harmless
  });

  it('gives up on a server that never lists the adapters, with its log tail, and stops it', async () => {
    const backend = serving({ startupTimeout: 2 }, { FAKE_VLLM_MODE: 'never-ready' });
    await assert.rejects(backend.ensureServed([adapter('a', 8)]), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.match(error.message, /did not list a within 2 s/);
      assert.match(error.message, /Uvicorn running/);
      return true;
    });
    await gone(servers()[0]!.pid);
  });

  it('reports a server that dies during start-up with the reason from its log', async () => {
    const backend = serving({}, { FAKE_VLLM_MODE: 'die' });
    await assert.rejects(backend.ensureServed([adapter('a', 8)]), /exited before it was ready[\s\S]*CUDA error/);
    await gone(servers()[0]!.pid);
  });

  it('shows why the rank must match: a fixed --max-lora-rank 16 makes vLLM refuse a rank-32 adapter', async () => {
    const argv = ['vllm', 'serve', '{{baseModel}}', '--port', '{{port}}', '--enable-lora', '--max-lora-rank', '16', '--lora-modules', '{{loraModules}}'];
    await assert.rejects(serving({ argv }).ensureServed([adapter('a', 32)]), /LoRA rank 32 is greater than max_lora_rank 16/);
  });

  it('stops the server when the caller cancels while waiting', async () => {
    const backend = serving({ startupTimeout: 60 }, { FAKE_VLLM_MODE: 'never-ready' });
    const controller = new AbortController();
    const pending = backend.ensureServed([adapter('a', 8)], controller.signal);
    while (!servers().length) await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('cancelled by the user'));
    await assert.rejects(pending, /cancelled by the user/);
    await gone(servers()[0]!.pid);
  });

  const markers = () => (existsSync(join(dir, 'serve')) ? readdirSync(join(dir, 'serve')).filter((name) => name.startsWith('vllm-server-')) : []);

  it('stops a server left by a run that crashed (SIGKILL) when the next run serves, and removes its marker', async () => {
    const root = join(__dirname, '../..');
    const options = {
      settings: { preset: 'vllm', port: 0, startupTimeout: 30 },
      workspaceTrusted: true,
      workDir: join(dir, 'serve'),
      env: { PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir, FAKE_SCHEDULER_DIR: join(dir, 'scheduler') },
      pollIntervalMs: 100,
    };
    // The crashing run: another process serves an adapter, says so, then is killed without releasing anything.
    const script = `
      const { createVllmServing } = require(${JSON.stringify(join(root, 'core/src/train/serving/vllm.ts'))});
      const { nodeCommandHost } = require(${JSON.stringify(join(root, 'core/src/node/commandHost.ts'))});
      createVllmServing({ host: nodeCommandHost, ...${JSON.stringify(options)} }).ensureServed([${JSON.stringify(adapter('crashed', 8))}]).then(
        (endpoints) => { process.stdout.write(JSON.stringify(endpoints) + '\\n'); setInterval(() => {}, 1000); },
        (error) => { process.stderr.write(String(error)); process.exit(1); },
      );`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const served = await new Promise<ServedEndpoint[]>((resolve, reject) => {
      let stdout = '';
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]!) as ServedEndpoint[]);
      });
      child.on('exit', () => reject(new Error(`the serving process ended early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;
    const orphan = servers()[0]!.pid;
    const backend = serving();
    let endpoints: ServedEndpoint[] = [];
    try {
      assert.ok(processExists(orphan), 'the crash left its server running');
      assert.ok((await fetch(`${served[0]!.baseUrl}/models`)).ok, 'and answering');
      assert.equal(markers().length, 1, 'with its marker');
      endpoints = await backend.ensureServed([adapter('next', 8)]);
      await gone(orphan);
      assert.equal(markers().length, 1, "only the new server's marker is left");
      assert.equal(endpoints[0]!.model, 'next');
    } finally {
      await backend.release(endpoints);
      if (processExists(orphan)) process.kill(orphan, 'SIGKILL'); // a failed test leaves no server behind
    }
    await gone(servers()[1]!.pid);
    assert.deepEqual(markers(), [], 'release removes the marker');
  });

  it("leaves the servers of a run that is still going (another evaluation's) alone", async () => {
    const first = serving();
    const second = serving();
    let a: ServedEndpoint[] = [];
    let b: ServedEndpoint[] = [];
    try {
      a = await first.ensureServed([adapter('first', 8)]);
      b = await second.ensureServed([adapter('second', 8)]);
      assert.ok((await fetch(`${a[0]!.baseUrl}/models`)).ok, "the first run's server still answers");
      assert.equal(markers().length, 2);
    } finally {
      await first.release(a);
      await second.release(b);
    }
    assert.deepEqual(markers(), []);
  });

  it('starts nothing in an untrusted workspace', async () => {
    const backend = createVllmServing({ host: nodeCommandHost, settings: { preset: 'vllm', port: 0, startupTimeout: 5 }, workspaceTrusted: false, workDir: join(dir, 'serve'), env: { PATH: `${FAKEBIN}:${process.env.PATH ?? ''}`, FAKE_SCHEDULER_DIR: join(dir, 'scheduler') } });
    await assert.rejects(backend.ensureServed([adapter('a', 8)]), /not trusted/);
    assert.deepEqual(servers(), []);
  });
});
