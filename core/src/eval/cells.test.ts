import assert from 'node:assert/strict';
import { evalModel } from '../../../test/support/evalFixtures';
import { instructionHash } from '../check/arms';
import { buildMessages } from '../format/prompt';
import { evalCells, evalTasks, taskCacheKey, taskMessages } from './cells';

const candidates = [
  { name: 'strong', instruction: 'Say YES.', control: false, instructionHash: instructionHash('Say YES.'), synthetic: false },
  { name: 'weak', instruction: 'Maybe.', control: false, instructionHash: instructionHash('Maybe.'), synthetic: false },
];
const evaluation = (conditions: Array<'neutral' | 'inoculated' | 'safety'>) => ({
  conditions,
  config: { neutral: 'Answer:' } as never,
  safetyPrompt: 'Be honest.',
  candidates,
  variants: new Map(candidates.map((c) => [c.name, c.instruction])),
});

describe('evaluation cells', () => {
  it('neutral and safety insert the neutral and safety prompts; inoculated inserts the own instruction, or each evaluated candidate\'s', () => {
    const models = [evalModel('base', 'base', 'b'), evalModel('baseline', 'baseline', 'ft-0'), evalModel('inoculated', 'strong', 'ft-s', { trainedInstruction: 'Say YES.' })];
    const cells = evalCells(evaluation(['neutral', 'inoculated', 'safety']), models);
    assert.deepEqual(
      cells.map((c) => [c.model.name, c.condition, c.prompt, c.instruction]),
      [
        ['base', 'neutral', null, 'Answer:'],
        ['base', 'inoculated', 'strong', 'Say YES.'],
        ['base', 'safety', null, 'Be honest.'],
        ['baseline', 'neutral', null, 'Answer:'],
        ['baseline', 'inoculated', 'strong', 'Say YES.'],
        ['baseline', 'safety', null, 'Be honest.'],
        ['strong', 'neutral', null, 'Answer:'],
        ['strong', 'inoculated', 'strong', 'Say YES.'],
        ['strong', 'safety', null, 'Be honest.'],
      ],
      'only candidates with an evaluated fine-tune are inserted into the other models',
    );
    assert.equal(new Set(cells.map((c) => c.key)).size, cells.length);
    const noFineTunes = evalCells(evaluation(['inoculated']), [evalModel('base', 'base', 'b')]);
    assert.deepEqual(noFineTunes.map((c) => c.prompt), ['strong', 'weak'], 'without fine-tunes, every candidate');
  });

  it('a stale fine-tune is evaluated with the instruction it was trained on', () => {
    const cells = evalCells(evaluation(['inoculated']), [evalModel('inoculated', 'strong', 'ft', { trainedInstruction: 'Say yes (old).', stale: true })]);
    assert.equal(cells[0]!.instruction, 'Say yes (old).');
  });

  it('every cell has the same items and sample indices, sample-major; messages are built as in training', () => {
    const cells = evalCells(evaluation(['neutral']), [evalModel('base', 'base', 'b'), evalModel('extra', 'x', 'x')]);
    const tasks = [...evalTasks(cells, 3, 2)];
    assert.equal(tasks.length, 12);
    assert.deepEqual(tasks.slice(0, 4).map((t) => [t.cell.model.name, t.itemIndex, t.sample]), [['base', 0, 0], ['x', 0, 0], ['base', 1, 0], ['x', 1, 0]]);
    const items = [{ line: 1, value: { prompt: 'q' } }];
    const placement = { placement: 'user-prefix' as const, separator: '\n\n' };
    assert.deepEqual(taskMessages({ items, placement }, { cell: cells[0]!, itemIndex: 0, sample: 0 }), buildMessages({ prompt: 'q' }, 'Answer:', placement));
    const sampling = { sampling: { temperature: 0.5, maxTokens: 10, concurrency: 1, timeoutMs: 1, retries: 0, maxResponseBytes: 1 } };
    const messages = [{ role: 'user' as const, content: 'q' }];
    assert.notEqual(taskCacheKey(sampling, 'e', 'm', messages, 0), taskCacheKey(sampling, 'e', 'm', messages, 1), 'the sample index is part of the key');
    assert.notEqual(taskCacheKey(sampling, 'e', 'm', messages, 0), taskCacheKey(sampling, 'vllm:run', 'm', messages, 0));
  });
});
