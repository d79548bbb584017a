// THE SIMULATED LAB'S vLLM (test code only, a simulation; put on PATH as test/labbin/vllm by the lab's tests).
// `vllm serve BASE --enable-lora --lora-modules name=path ... --port P` serves the OpenAI-compatible API
// (openaiServer.ts) for the base model and each adapter; `vllm run-batch -i IN -o OUT --model BASE [...]` answers a
// Batch-API-format file offline. Both answer by the law of labLaw.ts (read from the JSON file in LAB_LAW_FILE): an
// adapter's instruction is read off its own training file (`<runDir>/data/train.jsonl`, the adapter being in
// `<runDir>/output`), as the command backend lays runs out. Arguments are checked as vLLM checks them (a rank above
// --max-lora-rank, LoRA modules without --enable-lora, an adapter folder without adapter_config.json all fail).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { instructionIn, labResponder, type LabLaw, type LabModel } from './labLaw';
import { startOpenAIServer } from './openaiServer';

const ALLOWED_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512];

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parse(args: string[]) {
  const options: Record<string, string | true> = {};
  const modules: Array<{ name: string; path: string }> = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--lora-modules') {
      while (index + 1 < args.length && !args[index + 1]!.startsWith('-')) {
        const item = args[++index]!;
        const parsed = item.startsWith('{') ? (JSON.parse(item) as { name: string; path: string }) : { name: item.split('=')[0]!, path: item.split('=').slice(1).join('=') };
        modules.push(parsed);
      }
    } else if (arg === '--enable-lora') options['enable-lora'] = true;
    else if (arg.startsWith('-')) options[arg.replace(/^-+/, '')] = args[++index] ?? die(`${arg} needs a value`);
    else die(`unrecognized argument ${arg}`);
  }
  if (modules.length && !options['enable-lora']) die('ValueError: --lora-modules requires --enable-lora');
  const maxRank = Number(options['max-lora-rank'] ?? 16);
  if (!ALLOWED_RANKS.includes(maxRank)) die(`argument --max-lora-rank: invalid choice: ${maxRank}`);
  for (const module of modules) {
    const config = join(module.path, 'adapter_config.json');
    if (!existsSync(config)) die(`ValueError: no adapter_config.json in ${module.path}`);
    const rank = (JSON.parse(readFileSync(config, 'utf8')) as { r: number }).r;
    if (rank > maxRank) die(`ValueError: LoRA rank ${rank} is greater than max_lora_rank ${maxRank}.`);
  }
  return { options, modules };
}

function labFor(base: string, modules: Array<{ name: string; path: string }>) {
  const law = JSON.parse(readFileSync(process.env.LAB_LAW_FILE ?? die('LAB_LAW_FILE is not set'), 'utf8')) as LabLaw;
  const models = new Map<string, LabModel>([[base, { kind: 'base' }]]);
  for (const module of modules) {
    const training = join(dirname(module.path.replace(/\/+$/, '')), 'data', 'train.jsonl');
    const first = JSON.parse(readFileSync(training, 'utf8').split('\n')[0]!) as { messages: Array<{ role: string; content: string }> };
    const candidate = instructionIn(law, first.messages.find((m) => m.role === 'user')?.content ?? '');
    models.set(module.name, { kind: 'fine-tuned', strength: candidate?.strength ?? 0, instruction: candidate?.instruction ?? '' });
  }
  return { respond: labResponder(law, (id) => models.get(id), process.env.LAB_SAFETY_PROMPT), served: [...models.keys()] };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (process.env.LAB_VLLM_CALLS) appendFileSync(process.env.LAB_VLLM_CALLS, `${JSON.stringify({ argv: process.argv.slice(2), pid: process.pid })}\n`);
  if (command === 'serve') {
    const [base, ...args] = rest;
    if (!base || base.startsWith('-')) die('usage: vllm serve MODEL [options]');
    const { options, modules } = parse(args);
    const lab = labFor(base, modules);
    const server = await startOpenAIServer({
      port: Number(options.port ?? 8000),
      models: lab.served,
      chat: (request) => lab.respond(request.model, request.messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : '' }))),
    });
    process.stdout.write(`INFO: lab vLLM serving ${lab.served.join(', ')} on ${server.baseUrl}\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  if (command === 'run-batch') {
    const { options, modules } = parse(rest);
    const input = String(options.i ?? options['input-file'] ?? die('run-batch needs -i'));
    const output = String(options.o ?? options['output-file'] ?? die('run-batch needs -o'));
    const base = String(options.model ?? die('run-batch needs --model'));
    const lab = labFor(base, modules);
    const lines: string[] = [];
    for (const line of readFileSync(input, 'utf8').split('\n').filter((l) => l.trim())) {
      const request = JSON.parse(line) as { custom_id: string; body: { model: string; messages: Array<{ role: string; content: string }> } };
      if (!lab.served.includes(request.body.model)) {
        lines.push(JSON.stringify({ id: `vllm-${lines.length}`, custom_id: request.custom_id, response: { status_code: 404, body: { error: { message: `The model \`${request.body.model}\` does not exist.` } } }, error: null }));
        continue;
      }
      const content = lab.respond(request.body.model, request.body.messages);
      const body = { id: `cmpl-${lines.length}`, object: 'chat.completion', model: request.body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
      lines.push(JSON.stringify({ id: `vllm-${lines.length}`, custom_id: request.custom_id, response: { status_code: 200, request_id: `vllm-batch-${lines.length}`, body }, error: null }));
    }
    writeFileSync(output, `${lines.join('\n')}\n`);
    process.stdout.write(`INFO: answered ${lines.length} requests\n`);
    return;
  }
  die(`the lab's vllm fakes serve and run-batch, not ${command}`);
}

void main();
