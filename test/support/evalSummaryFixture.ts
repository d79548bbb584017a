/** An evaluation summary built by the real builder, with hostile names, for chart and report tests. */
import { instructionHash } from '../../core/src/check/arms';
import type { CheckSummary } from '../../core/src/check/types';
import { evalCells } from '../../core/src/eval/cells';
import type { EvalModel } from '../../core/src/eval/models';
import { buildEvalSummary, type EvalSummary, type ItemCounts } from '../../core/src/eval/summary';
import { evalModel } from './evalFixtures';

/** Names a hostile repository could give variants: markup, links, scripts, control characters. */
export const HOSTILE_NAMES = ['<script>alert(1)</script>', '](javascript:alert(1))', '"><img src=x onerror=alert(1)>', 'a|b`c*d\u001b[2J'];

export function hostileSummary(): EvalSummary {
  const names = HOSTILE_NAMES;
  const instructions = names.map((name, i) => `Instruction ${i} ${name}`);
  const models: EvalModel[] = [
    evalModel('base', 'base', 'base-model'),
    evalModel('baseline', 'baseline', 'ft-baseline'),
    ...names.map((name, i) => evalModel('inoculated', name, `ft-${i}`, { trainedInstruction: instructions[i]! })),
  ];
  const candidates = names.map((name, i) => ({ name, instruction: instructions[i]!, control: false, instructionHash: instructionHash(instructions[i]!), synthetic: false }));
  const evaluation = { conditions: ['neutral' as const, 'inoculated' as const], config: { neutral: '' } as never, safetyPrompt: undefined, candidates, variants: new Map(candidates.map((c) => [c.name, c.instruction])) };
  const cells = evalCells(evaluation, models);
  const level = (model: EvalModel, condition: string) => (model.role === 'baseline' ? 0.7 : model.role === 'base' ? 0.1 : condition === 'inoculated' ? 0.8 : 0.2 + 0.1 * names.indexOf(model.name));
  const tallies = new Map(
    cells.map((cell) => {
      const map = new Map<number, ItemCounts>();
      for (let item = 1; item <= 20; item++) {
        const k = item <= Math.round(level(cell.model, cell.condition) * 20) ? 3 : 0;
        map.set(item, { item, n: 3, k, capabilityN: 3, capabilityK: item % 5 === 0 ? 1 : 3, failed: 0 });
      }
      return [cell.key, map];
    }),
  );
  const check: CheckSummary = {
    version: 1, runId: 'c', file: 'x.inoc', behavior: 'custom', model: 'base-model', provider: 'openai', baseUrl: null, grader: 'regex', samplesPerArm: 50,
    startedAt: 's', finishedAt: '2026-11-01T00:00:00Z', requests: 0, cacheHits: 0, complete: true,
    arms: names.map((name, i) => ({ name, run: 'c', control: false, instruction: instructions[i]!, instructionHash: instructionHash(instructions[i]!), n: 50, k: 10 + 10 * i, rate: (10 + 10 * i) / 50, ci: [0.1 * i, 0.1 * i + 0.3], lift: null, liftCi: null, predicted: 0.2 * i, capability: null, failed: 0 })),
  };
  return buildEvalSummary({
    runId: 'run-<b>1</b>', file: 'evil/<i>file</i>.inoc', behavior: 'custom', dataset: { path: 'data/<x>.jsonl', sha256: 'a'.repeat(64), items: 20 },
    samplesPerItem: 3, temperature: 0.5, maxTokens: 10, neutral: '', conditions: ['neutral', 'inoculated'], safetyPrompt: null,
    graders: { behavior: { type: 'judge', fingerprint: 'j', judge: true, model: '<judge>' }, capability: null, capabilityFrom: 'behavior-grader' },
    models, endpoints: new Map(), unusable: [{ runId: 'r', arm: '<u>', seed: 1, state: 'failed', message: 'the job failed: <boom>' }], notes: ['note <n>'],
    cells, tallies, startedAt: 's', finishedAt: 'f', requests: 1, cacheHits: 2, batches: [], complete: true,
    check: { summary: check, path: 'c', origin: 'here' },
    agreement: [
      { outcome: 'behavior', type: 'judge', fingerprint: 'j', judge: true, kappa: { estimate: 0.4, ci: [0.1, 0.7], method: 'kappa-wilson-agreement', note: '', n: 30, observedAgreement: 0.7, chanceAgreement: 0.5, standardError: 0.1, classes: ['false', 'true'], counts: [[10, 5], [4, 11]] }, level: 'warn', message: 'judge agreement with hand labels is low (<low>)', used: 30, stale: 0 },
      { outcome: 'capability', type: 'judge', fingerprint: 'j', judge: true, kappa: { estimate: null, ci: null, method: 'none', note: 'no hand labels yet', n: 0, observedAgreement: 0, chanceAgreement: 0, standardError: null, classes: [], counts: [] }, level: 'unknown', message: 'judge agreement unknown (n=0): no hand labels yet', used: 0, stale: 0 },
    ],
  });
}
