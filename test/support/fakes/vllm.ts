// Test code only: a fake `vllm serve` (test/fakebin/vllm). It parses the arguments as vLLM does for LoRA serving,
// refuses what vLLM refuses (an adapter whose `adapter_config.json` rank exceeds --max-lora-rank, LoRA modules
// without --enable-lora, a --max-lora-rank vLLM does not allow), then serves the OpenAI-compatible API
// (test/support/openaiServer.ts) on --host/--port, listing the base model and every adapter in /v1/models and
// answering chats with the model asked for. FAKE_VLLM_MODE: `ok` (default), `never-ready` (listens but never lists
// the adapters), `die` (fails during start-up, as a CUDA error would). FAKE_VLLM_READY_MS delays readiness.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAIServer } from '../openaiServer';

const ALLOWED_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512];

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main() {
  const [command, base, ...rest] = process.argv.slice(2);
  if (process.env.FAKE_SCHEDULER_DIR) appendFileSync(join(process.env.FAKE_SCHEDULER_DIR, 'calls.jsonl'), `${JSON.stringify({ tool: 'vllm', argv: process.argv.slice(2), pid: process.pid })}\n`);
  if (command !== 'serve' || !base || base.startsWith('-')) die('usage: vllm serve MODEL [options]');
  const options: Record<string, string | true> = {};
  const modules: Array<{ name: string; path: string }> = [];
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
    if (arg === '--lora-modules') {
      // nargs='+': every following argument up to the next option.
      while (index + 1 < rest.length && !rest[index + 1]!.startsWith('--')) {
        const item = rest[++index]!;
        if (item.startsWith('{')) {
          const parsed = JSON.parse(item) as { name: string; path: string };
          modules.push({ name: parsed.name, path: parsed.path });
        } else {
          const parts = item.split('=');
          if (parts.length !== 2) die(`argument --lora-modules: invalid value ${item}`);
          modules.push({ name: parts[0]!, path: parts[1]! });
        }
      }
    } else if (arg === '--enable-lora') options['enable-lora'] = true;
    else if (arg.startsWith('--')) options[arg.slice(2)] = rest[++index] ?? die(`${arg} needs a value`);
    else die(`unrecognized argument ${arg}`);
  }
  const maxRank = Number(options['max-lora-rank'] ?? 16);
  if (!ALLOWED_RANKS.includes(maxRank)) die(`argument --max-lora-rank: invalid choice: ${maxRank} (choose from ${ALLOWED_RANKS.join(', ')})`);
  if (modules.length && !options['enable-lora']) die('ValueError: --lora-modules requires --enable-lora');
  for (const module of modules) {
    const config = JSON.parse(readFileSync(join(module.path, 'adapter_config.json'), 'utf8')) as { r: number };
    if (config.r > maxRank) die(`ValueError: LoRA rank ${config.r} is greater than max_lora_rank ${maxRank}.`);
  }
  process.stdout.write(`INFO: starting vLLM API server for ${base} with ${modules.length} LoRA adapter(s)\n`);
  const mode = process.env.FAKE_VLLM_MODE ?? 'ok';
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.FAKE_VLLM_READY_MS ?? 100)));
  if (mode === 'die') die('RuntimeError: CUDA error: out of memory (fake)');
  const served = mode === 'never-ready' ? [base] : [base, ...modules.map((module) => module.name)];
  const server = await startOpenAIServer({
    port: Number(options.port ?? 8000),
    models: served,
    chat: (request) => `${request.model} answers: ${String(request.messages.at(-1)?.content ?? '').slice(0, 40)}`,
  });
  process.stdout.write(`INFO: Uvicorn running on ${server.baseUrl}\n`);
  const stop = () => {
    process.stdout.write('INFO: shutting down\n');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
