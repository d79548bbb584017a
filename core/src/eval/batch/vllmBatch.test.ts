import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TrainedModel } from '../../train/types';
import { runVllmBatch, vllmBatchArgv } from './vllmBatch';
import type { BatchRequest } from './types';

const key = (n: number) => createHash('sha256').update(String(n)).digest('hex');
const request = (n: number, model: string): BatchRequest => ({ customId: key(n), model, messages: [{ role: 'user', content: `q${n}` }], temperature: 1, maxTokens: 5 });
const adapter = (name: string): TrainedModel => ({ kind: 'lora-adapter', modelId: name, baseModel: 'base', artifact: `/runs/${name}/output`, loraRank: 99 });

/** A host whose files live in a map and whose `run` answers like vllm run-batch (or fails). */
function fakeHost(files: Map<string, string>, behaviour: 'answer' | 'fail' | 'partial') {
  const runs: string[][] = [];
  return {
    runs,
    host: {
      async readText(path: string) {
        return files.get(path);
      },
      async writeText(path: string, text: string) {
        files.set(path, text);
      },
      async mkdir() {},
      async run(argv: readonly string[]) {
        runs.push([...argv]);
        const input = files.get(argv[argv.indexOf('-i') + 1]!)!;
        const lines = input.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { custom_id: string; body: { model: string } });
        const answered = behaviour === 'partial' ? lines.slice(0, 1) : behaviour === 'fail' ? [] : lines;
        files.set(argv[argv.indexOf('-o') + 1]!, answered.map((l) => JSON.stringify({ custom_id: l.custom_id, response: { status_code: 200, body: { choices: [{ message: { content: `by ${l.body.model}` } }] } } })).join('\n'));
        return { exitCode: behaviour === 'answer' ? 0 : 1, signal: null, stdout: '', stderr: behaviour === 'answer' ? '' : 'RuntimeError: CUDA out of memory', timedOut: false };
      },
    },
  };
}

describe('batch mode with vllm run-batch', () => {
  it('builds the runner command: the base model, LoRA on with the rank the adapters need (their adapter_config.json wins)', async () => {
    const files = new Map([['/runs/a/output/adapter_config.json', '{"r": 32}'], ['/runs/b/output/adapter_config.json', '{"r": 8}']]);
    const argv = await vllmBatchArgv(fakeHost(files, 'answer').host, 'base', [adapter('a'), adapter('b')], 'in.jsonl', 'out.jsonl');
    assert.deepEqual(argv, ['vllm', 'run-batch', '-i', 'in.jsonl', '-o', 'out.jsonl', '--model', 'base', '--enable-lora', '--max-lora-rank', '32', '--max-loras', '2', '--lora-modules', 'a=/runs/a/output', 'b=/runs/b/output']);
    assert.deepEqual(await vllmBatchArgv(fakeHost(files, 'answer').host, 'base', [], 'i', 'o'), ['vllm', 'run-batch', '-i', 'i', '-o', 'o', '--model', 'base']);
  });

  it('maps every answer back by custom id; a failed run fails the rest with the runner\'s last words; a re-run runs only the rest', async () => {
    const files = new Map([['/runs/a/output/adapter_config.json', '{"r": 8}']]);
    const requests = [request(1, 'a'), request(2, 'base'), request(3, 'a')];
    const partial = fakeHost(files, 'partial');
    const first = await runVllmBatch({ host: partial.host, baseModel: 'base', adapters: [adapter('a')], requests, workDir: '/w/batch', env: {}, signal: new AbortController().signal });
    assert.deepEqual([...first.answers.keys()], [key(1)]);
    assert.match(first.errors.get(key(2))!, /no answer .*exit 1.*CUDA out of memory/);
    assert.equal(first.batches[0]!.status, 'failed');
    const again = fakeHost(files, 'answer');
    const second = await runVllmBatch({ host: again.host, baseModel: 'base', adapters: [adapter('a')], requests, workDir: '/w/batch', env: {}, signal: new AbortController().signal });
    assert.equal(second.answers.size, 3);
    assert.equal(second.answers.get(key(2))!.text, 'by base');
    const rerunInput = files.get(again.runs[0]![again.runs[0]!.indexOf('-i') + 1]!)!;
    assert.equal(rerunInput.trim().split('\n').length, 2, 'only the requests the first run did not answer');
  });
});
