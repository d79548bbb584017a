import assert from 'node:assert/strict';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import { BackendError, type TrainedModel } from '../types';
import { loraModuleArg, maxLoraRankFor, VllmServingBackend, vllmArgv } from './vllm';

const adapter = (name: string, rank: number, base = 'Qwen/Qwen2-7B'): TrainedModel => ({ kind: 'lora-adapter', modelId: name, baseModel: base, artifact: `/runs/${name}/output`, loraRank: rank });

describe('train/serving/vllm', () => {
  it('picks the smallest --max-lora-rank vLLM allows that serves every adapter', () => {
    assert.equal(maxLoraRankFor([8]), 8);
    assert.equal(maxLoraRankFor([8, 32]), 32);
    assert.equal(maxLoraRankFor([9]), 16);
    assert.equal(maxLoraRankFor([300]), 320);
    assert.equal(maxLoraRankFor([]), 1);
    assert.throws(() => maxLoraRankFor([1024]), /up to 512/);
  });

  it('writes --lora-modules as name=path, or in JSON when a part could be misread', () => {
    assert.equal(loraModuleArg('very-mean-s0', '/runs/a/output', 'B'), 'very-mean-s0=/runs/a/output');
    assert.deepEqual(JSON.parse(loraModuleArg('x', '/runs/a=b/output', 'B')), { name: 'x', path: '/runs/a=b/output', base_model_name: 'B' });
    assert.deepEqual(JSON.parse(loraModuleArg('odd name', '/p', 'B')), { name: 'odd name', path: '/p', base_model_name: 'B' });
  });

  it('builds vllm serve with every adapter, the matched rank and the adapter count', () => {
    assert.deepEqual(vllmArgv(undefined, 'Qwen/Qwen2-7B', [adapter('a', 8), adapter('b', 32)], 41000), [
      'vllm', 'serve', 'Qwen/Qwen2-7B', '--host', '127.0.0.1', '--port', '41000', '--enable-lora',
      '--max-lora-rank', '32', '--max-loras', '2', '--lora-modules', 'a=/runs/a/output', 'b=/runs/b/output',
    ]);
    assert.deepEqual(vllmArgv(['python', '-m', 'vllm.entrypoints.openai.api_server', '--model', '{{baseModel}}', '--port={{port}}', '--lora-modules', '{{loraModules}}'], 'B', [adapter('a', 8)], 1), [
      'python', '-m', 'vllm.entrypoints.openai.api_server', '--model', 'B', '--port=1', '--lora-modules', 'a=/runs/a/output',
    ]);
    assert.throws(() => vllmArgv(['vllm', 'serve', '{{baseModel}}'], 'B', [adapter('a', 8)], 1), /loraModules/);
    assert.throws(() => vllmArgv(['vllm', '{{model}}', '{{loraModules}}'], 'B', [adapter('a', 8)], 1), /unknown slot/);
  });

  it('refuses hosted models (served where they were trained), duplicates, and untrusted workspaces, starting nothing', async () => {
    const host = scriptedHost();
    const make = (trusted: boolean) => new VllmServingBackend({ host, settings: { preset: 'vllm', port: 0, startupTimeout: 5 }, workspaceTrusted: trusted, workDir: '/w/serve', env: {} });
    await assert.rejects(make(true).ensureServed([{ kind: 'hosted', modelId: 'ft:gpt-4.1-mini:org::x', baseModel: 'gpt-4.1-mini' }]), /served by the service that trained it/);
    await assert.rejects(make(true).ensureServed([adapter('a', 8), adapter('a', 8)]), /share the name/);
    await assert.rejects(make(false).ensureServed([adapter('a', 8)]), (error: unknown) => error instanceof BackendError && /not trusted/.test(error.message));
    assert.equal(host.calls.length, 0);
  });

  it("trusts the adapter's own adapter_config.json rank over the record", async () => {
    const host = scriptedHost();
    host.files.set('/runs/a/output/adapter_config.json', JSON.stringify({ r: 64 }));
    let served = false;
    host.fetch = async () => {
      served = true;
      return new Response(JSON.stringify({ data: [{ id: 'Qwen/Qwen2-7B' }, { id: 'a' }] }), { status: 200 });
    };
    const backend = new VllmServingBackend({ host, settings: { preset: 'vllm', port: 0, startupTimeout: 5 }, workspaceTrusted: true, workDir: '/w/serve', env: {} });
    const endpoints = await backend.ensureServed([adapter('a', 8)]);
    assert.ok(served);
    assert.equal(host.calls[0]!.argv[host.calls[0]!.argv.indexOf('--max-lora-rank') + 1], '64');
    assert.deepEqual(endpoints.map((endpoint) => [endpoint.baseUrl, endpoint.model, endpoint.billing, endpoint.servedModel.loraRank]), [['http://127.0.0.1:40000/v1', 'a', 'self', 64]]);
    await backend.release(endpoints);
    assert.deepEqual(host.signals.map((signal) => signal.signal), ['SIGTERM', 'SIGKILL']);
  });

  it('marks each server with its starter; the next backend stops the servers of a starter that is gone, then releases its own marker', async () => {
    const host = scriptedHost();
    host.files.set('/runs/a/output/adapter_config.json', JSON.stringify({ r: 8 }));
    host.files.set('/runs/b/output/adapter_config.json', JSON.stringify({ r: 8 }));
    host.fetch = async () => new Response(JSON.stringify({ data: [{ id: 'a' }, { id: 'b' }] }), { status: 200 });
    const make = (ownerPid?: number) => new VllmServingBackend({ host, settings: { preset: 'vllm', port: 0, startupTimeout: 5 }, workspaceTrusted: true, workDir: '/w/serve', env: {}, killGraceMs: 0, ...(ownerPid ? { ownerPid } : {}) });
    // A run (pid 999999, which the host does not know: it died) served `a` and never released it.
    const crashed = await make(999_999).ensureServed([adapter('a', 8)]);
    const markers = () => [...host.files.keys()].filter((path) => path.startsWith('/w/serve/vllm-server-'));
    assert.equal(markers().length, 1);
    const orphan = JSON.parse(host.files.get(markers()[0]!)!) as { pid: number; owner: { pid: number } };
    assert.equal(orphan.owner.pid, 999_999);
    const next = make();
    const endpoints = await next.ensureServed([adapter('b', 8)]);
    assert.deepEqual(host.signals, [{ pgid: orphan.pid, signal: 'SIGTERM' }, { pgid: orphan.pid, signal: 'SIGKILL' }], 'the orphan (and only it) is stopped');
    assert.equal(markers().length, 1);
    assert.notEqual(markers()[0], `/w/serve/vllm-server-${orphan.pid}.json`);
    await next.release(endpoints);
    assert.deepEqual(markers(), []);
    assert.ok(crashed.length);
  });
});
