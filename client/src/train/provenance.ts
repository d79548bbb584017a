/**
 * A run's record as a person reads it (Inoculate: Show Provenance): what was trained on what (the instruction and its
 * hash, placement, the check it was chosen from, dataset and training-file hashes, backend, base model,
 * hyper-parameters, loss, seed), then every attempt with its job, status history, errors and result. Markdown whose
 * every interpolated value is escaped (`core/src/language/markdown.ts`): the record holds text from the `.inoc` file,
 * the dataset and the backend, none of which may become a link, an image, HTML or a command in a preview. The
 * instruction is shown verbatim in a code block whose fence is longer than any backtick run in it. Pure.
 */
import { formatMeasurement } from '../../../core/src/check/formatMeasurement';
import { code, escapeMarkdown, md, ours, type Markdown } from '../../../core/src/language/markdown';
import type { AttemptState, RunState } from '../../../core/src/train/runStore';

/** Text as a fenced code block that nothing inside can close (a fence longer than its longest backtick run). */
export function fencedBlock(text: string, language = 'text'): string {
  const body = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  let longest = 2;
  for (const run of body.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  for (const run of body.match(/~{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${body}\n${fence}`;
}

const cell = (value: string | number | undefined | null) => (value === undefined || value === null ? '—' : typeof value === 'number' ? String(value) : escapeMarkdown(value, false));

/**
 * Markdown made safe inside a GFM table cell: a pipe splits cells even inside a code span unless it is escaped, so
 * every pipe preceded by an even number of backslashes gets one more (escaped text already has `\|`).
 */
export function tableCell(markdown: string): string {
  return markdown.replace(/(\\*)\|/g, (all, slashes: string) => (slashes.length % 2 === 0 ? `${slashes}\\|` : all));
}

function table(rows: Array<[string, string | number | undefined | null | Markdown]>): Markdown {
  const lines = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${value && typeof value === 'object' ? tableCell(value.value) : cell(value)} |`)];
  return ours(lines.join('\n'));
}

function attemptMarkdown(attempt: AttemptState, time: (iso: string) => string): Markdown[] {
  const parts: Markdown[] = [];
  parts.push(ours(`### Attempt ${attempt.attempt}${attempt.forced ? ' (forced: a new attempt of the same run)' : ''}`));
  parts.push(
    table([
      ['Started', time(attempt.startedAt)],
      ['Submitted', attempt.submittingAt ? time(attempt.submittingAt) : null],
      ['Submission key', attempt.submissionKey ? code(attempt.submissionKey) : null],
      ['Job', attempt.job ? md`${code(attempt.job.id)} on ${code(attempt.job.backend)}` : attempt.submittingAt ? ours('none recorded (the submission was interrupted: launching again recovers the job if it exists)') : null],
      ['Recovered', attempt.recovered ? 'yes: found on the backend after an interrupted submission' : null],
      ['Uploaded', attempt.prepared ? code(Object.entries(attempt.prepared).map(([k, v]) => `${k}=${v}`).join(', ')) : null],
      ['Cancellation asked', attempt.cancelRequestedAt ? time(attempt.cancelRequestedAt) : null],
      ['Result', attempt.result ? md`${code(attempt.result.modelId)} (${attempt.result.kind}${attempt.result.artifact ? md`, ${code(attempt.result.artifact)}` : ''})` : null],
    ]),
  );
  if (attempt.preflight.length) {
    parts.push(ours('Preflight:'));
    parts.push(ours(attempt.preflight.map((issue) => `- ${issue.severity} (${escapeMarkdown(issue.code, false)}): ${escapeMarkdown(issue.message, false)}`).join('\n')));
  }
  if (attempt.statusHistory.length) {
    parts.push(ours('Status history (oldest first; the raw state is the backend\'s own word):'));
    parts.push(
      ours(
        [
          '| observed | state | raw state | message |',
          '|---|---|---|---|',
          ...attempt.statusHistory.map((s) => `| ${cell(time(s.observedAt))} | ${cell(s.state)}${s.cancelRequested ? ' (cancel requested)' : ''} | ${cell(s.raw)} | ${cell(s.message ?? '')} |`),
        ].join('\n'),
      ),
    );
  }
  if (attempt.errors.length) {
    parts.push(ours('Errors:'));
    parts.push(ours(attempt.errors.map((e) => `- ${cell(time(e.at))}, ${cell(e.stage)}: ${escapeMarkdown(e.message, false)}`).join('\n')));
  }
  if (attempt.metrics.length) {
    const last = attempt.metrics[attempt.metrics.length - 1]!;
    parts.push(md`Metrics: ${attempt.metrics.length} points, the last at step ${last.step}${last.trainLoss !== undefined ? `, train loss ${last.trainLoss}` : ''}${last.validLoss !== undefined ? `, valid loss ${last.validLoss}` : ''}.`);
  }
  return parts;
}

/** The provenance of `run` as Markdown; `time` formats ISO times (the tests pass a fixed one). */
export function provenanceMarkdown(run: RunState, time: (iso: string) => string = (iso) => iso): string {
  const p = run.provenance;
  const parts: Markdown[] = [];
  parts.push(md`# Run ${code(run.runId)}: ${p.arm.kind === 'baseline' ? 'baseline (no inoculation)' : p.arm.name}, seed ${p.seed}`);
  parts.push(md`Trained from ${code(p.inocFile)} (behaviour ${code(p.behavior)}); recorded in ${code(run.recordPath)}. Every field below comes from that record.`);
  parts.push(ours('## Instruction'));
  parts.push(
    md`${p.arm.kind === 'baseline' ? 'The neutral prompt (no inoculation)' : 'The variant'}, hash ${code(p.arm.instructionHash)}, inserted with placement ${code(p.placement.placement)}${p.placement.template !== undefined ? ' into the template below' : ''}${p.arm.control ? ' (a control arm)' : ''}:`,
  );
  parts.push(ours(p.arm.instruction ? fencedBlock(p.arm.instruction) : '*(empty: no instruction)*'));
  if (p.placement.template !== undefined) parts.push(ours(fencedBlock(p.placement.template)));
  if (p.check) {
    const c = p.check;
    parts.push(ours('## Chosen from the check'));
    parts.push(
      md`${formatMeasurement({ rate: c.rate, ci: c.ci, k: c.k, n: c.n, lift: c.lift, liftCi: c.liftCi })} on ${code(c.model)}, check finished ${time(c.finishedAt)}${c.stale ? '. The variant was edited after that check: the measurement is of an earlier text.' : '.'}`,
    );
  }
  parts.push(ours('## Data'));
  parts.push(
    table([
      ['Dataset', md`${code(p.dataset.path)}, ${p.dataset.items} items`],
      ['Dataset sha256', code(p.dataset.sha256)],
      ['Training file', code(p.trainingFile.path)],
      ['Training file sha256', code(p.trainingFile.sha256)],
      ['Examples', p.trainingFile.examples],
      ['Tokens', `${p.trainingFile.tokens.total} (${p.trainingFile.tokens.counted === 'tokenizer' ? `counted with ${p.trainingFile.tokens.tokenizer ?? 'the tokenizer'}` : 'estimated'})`],
    ]),
  );
  parts.push(ours('## Training'));
  const hp = p.hyperparameters;
  parts.push(
    table([
      ['Backend', md`${code(p.backend)} at ${code(p.target)}`],
      ['Base model', code(p.baseModel)],
      ['Loss', p.loss],
      ['Seed', p.seed],
      ['Epochs', String(hp.epochs)],
      ['Learning rate', String(hp.learningRate)],
      ['Learning-rate multiplier', String(hp.learningRateMultiplier)],
      ['Batch size', String(hp.batchSize)],
      ['LoRA rank / alpha / dropout', hp.loraRank === undefined ? null : `${hp.loraRank} / ${hp.loraAlpha ?? '—'} / ${hp.loraDropout ?? '—'}`],
      ['Model suffix', code(p.suffix)],
      ['Created', time(p.createdAt)],
    ]),
  );
  parts.push(ours(`## Attempts (${run.attempts.length})`));
  for (const attempt of run.attempts) parts.push(...attemptMarkdown(attempt, time));
  if (run.attempts.length === 0) parts.push(ours('No attempt was recorded.'));
  return `${parts.map((part) => part.value).join('\n\n')}\n`;
}
