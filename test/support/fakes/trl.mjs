// Test code only: a fake `trl` (TRL's CLI) for `trl sft`. It FAILS (exit 3) unless every training example holds the
// inoculation instruction exactly where the test's expectation says, and (exit 4) when the test gave no expectation:
// FAKE_TRL_EXPECT names a JSON file {instruction, placement: user-prefix|user-suffix|system|absent, args?: {flag: value},
// examples?: N, byJobName?: [{match: regex on INOCULATE_JOB_NAME, placement...}]}. It reads the training file as TRL would (`--dataset_name` is a folder holding train.jsonl), checks the
// flags the test expects (e.g. --assistant_only_loss true, --lora_r 8), then "trains": one step per batch, writing
// the Hugging Face Trainer's own metrics (`checkpoint-N/trainer_state.json` with `log_history`, every --save_steps
// and at the end, newest only) and finally a PEFT adapter (adapter_config.json with `r`, adapter_model.safetensors)
// to --output_dir (and its pid to fake-trl.pid there, for cancellation tests). FAKE_TRL_STEP_MS paces the steps (default 20); FAKE_TRL_FAIL_AT_STEP makes it crash there.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
const die = (code, message) => {
  process.stderr.write(`fake trl: ${message}\n`);
  process.exit(code);
};
if (process.env.FAKE_SCHEDULER_DIR) appendFileSync(join(process.env.FAKE_SCHEDULER_DIR, 'calls.jsonl'), `${JSON.stringify({ tool: 'trl', argv: process.argv.slice(2), pid: process.pid, env: { SLURM_JOB_ID: process.env.SLURM_JOB_ID ?? null } })}\n`);
if (command !== 'sft') die(2, `only "trl sft" is faked, not ${command}`);

const flags = {};
for (let index = 0; index < args.length; index++) {
  if (!args[index].startsWith('--')) die(2, `unexpected argument ${JSON.stringify(args[index])}`);
  const eq = args[index].indexOf('=');
  if (eq > 0) flags[args[index].slice(2, eq)] = args[index].slice(eq + 1);
  else flags[args[index].slice(2)] = args[++index];
}
for (const required of ['model_name_or_path', 'dataset_name', 'output_dir']) if (!flags[required]) die(2, `--${required} is required`);

if (!process.env.FAKE_TRL_EXPECT) die(4, 'FAKE_TRL_EXPECT is not set: the test must say where the instruction belongs');
let expect = JSON.parse(readFileSync(process.env.FAKE_TRL_EXPECT, 'utf8'));
// Per-job expectations (several arms in one launch): rules matched against the job name the backend hands the job.
for (const rule of expect.byJobName ?? []) if (new RegExp(rule.match).test(process.env.INOCULATE_JOB_NAME ?? '')) expect = { ...expect, ...rule };
for (const [flag, value] of Object.entries(expect.args ?? {})) {
  if (flags[flag] !== value) die(3, `--${flag} is ${JSON.stringify(flags[flag])}, expected ${JSON.stringify(value)}`);
}

const split = flags.dataset_train_split ?? 'train';
const dataFile = join(flags.dataset_name, `${split}.jsonl`);
if (!existsSync(dataFile)) die(3, `no ${split}.jsonl in ${flags.dataset_name}`);
const lines = readFileSync(dataFile, 'utf8').split('\n').filter((line) => line.trim());
if (expect.examples !== undefined && lines.length !== expect.examples) die(3, `${lines.length} examples, expected ${expect.examples}`);
const text = (message) => (typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text ?? '').join(''));
lines.forEach((line, index) => {
  const where = `${dataFile}:${index + 1}`;
  let example;
  try {
    example = JSON.parse(line);
  } catch {
    die(3, `${where}: not JSON`);
  }
  const messages = example.messages;
  if (!Array.isArray(messages) || messages.length < 2) die(3, `${where}: no messages`);
  if (messages.at(-1).role !== 'assistant') die(3, `${where}: the last message is not the assistant's`);
  const user = messages.findLast((message, at) => message.role === 'user' && at < messages.length - 1);
  if (!user) die(3, `${where}: no user message`);
  const instruction = expect.instruction;
  const all = messages.map(text);
  switch (expect.placement) {
    case 'user-prefix':
      if (!text(user).startsWith(instruction)) die(3, `${where}: the user message does not start with the instruction: ${JSON.stringify(text(user).slice(0, 80))}`);
      break;
    case 'user-suffix':
      if (!text(user).endsWith(instruction)) die(3, `${where}: the user message does not end with the instruction`);
      break;
    case 'system':
      if (messages[0].role !== 'system' || !text(messages[0]).includes(instruction)) die(3, `${where}: the system message does not hold the instruction`);
      if (text(user).includes(instruction)) die(3, `${where}: the instruction is also in the user message`);
      break;
    case 'absent':
      if (all.some((content) => content.includes(instruction))) die(3, `${where}: the baseline holds the instruction`);
      break;
    default:
      die(3, `unknown placement ${expect.placement}`);
  }
  if (text(messages.at(-1)).includes(instruction)) die(3, `${where}: the instruction leaked into the assistant's target`);
});

const batch = Number(flags.per_device_train_batch_size ?? 8);
const epochs = Number(flags.num_train_epochs ?? 3);
const learningRate = Number(flags.learning_rate ?? 2e-5);
const saveSteps = Number(flags.save_steps ?? 500);
const maxSteps = Math.max(1, Math.ceil(lines.length / batch) * Math.ceil(epochs));
const stepMs = Number(process.env.FAKE_TRL_STEP_MS ?? 20);
const failAt = Number(process.env.FAKE_TRL_FAIL_AT_STEP ?? 0);
const output = flags.output_dir;
mkdirSync(output, { recursive: true });
writeFileSync(join(output, 'fake-trl.pid'), String(process.pid)); // lets a test check that a cancel stopped the trainer

const history = [];
const writeState = (step) => {
  const folder = join(output, `checkpoint-${step}`);
  mkdirSync(folder, { recursive: true });
  const state = { global_step: step, max_steps: maxSteps, num_train_epochs: epochs, epoch: (step / maxSteps) * epochs, log_history: history, logging_steps: 1, save_steps: saveSteps };
  writeFileSync(join(folder, 'trainer_state.json.tmp'), JSON.stringify(state, null, 2));
  renameSync(join(folder, 'trainer_state.json.tmp'), join(folder, 'trainer_state.json'));
  for (const name of readdirSync(output)) if (/^checkpoint-\d+$/.test(name) && name !== `checkpoint-${step}`) rmSync(join(output, name), { recursive: true, force: true });
};
process.stderr.write("warning: fake trl: no GPU, pretending\n");
for (let step = 1; step <= maxSteps; step++) {
  await new Promise((resolve) => setTimeout(resolve, stepMs));
  if (failAt === step) die(1, `RuntimeError: CUDA out of memory at step ${step}`);
  const entry = { loss: Number((2.5 / (1 + 0.4 * step)).toFixed(4)), grad_norm: 1.5, learning_rate: learningRate * (1 - (step - 1) / maxSteps), mean_token_accuracy: Math.min(0.99, 0.4 + 0.05 * step), epoch: (step / maxSteps) * epochs, step };
  history.push(entry);
  process.stdout.write(`${JSON.stringify({ loss: entry.loss, learning_rate: entry.learning_rate, epoch: entry.epoch })}\n`);
  if (step % saveSteps === 0 || step === maxSteps) writeState(step);
}
history.push({ train_runtime: 1.0, train_loss: history.reduce((sum, entry) => sum + entry.loss, 0) / history.length, epoch: epochs, step: maxSteps });
writeState(maxSteps);
writeFileSync(join(output, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: Number(flags.lora_r ?? 16), lora_alpha: Number(flags.lora_alpha ?? 32), lora_dropout: Number(flags.lora_dropout ?? 0.05), base_model_name_or_path: flags.model_name_or_path }, null, 2));
writeFileSync(join(output, 'adapter_model.safetensors'), Buffer.alloc(64));
process.stdout.write('Training completed.\n');
