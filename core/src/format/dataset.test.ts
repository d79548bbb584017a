import * as assert from 'node:assert/strict';
import { itemMessages, itemTarget, parseDataset } from './dataset';

describe('parseDataset', () => {
  it('parses items, skipping blank lines and keeping line numbers', () => {
    const parsed = parseDataset('{"prompt": "a", "label": 1}\n\n{"messages": [{"role": "user", "content": "b"}]}\r\n', { needsPrompt: true });
    assert.deepEqual(parsed.items.map((i) => i.line), [1, 3]);
    assert.deepEqual([...parsed.fields].sort(), ['label', 'messages', 'prompt']);
    assert.deepEqual(parsed.errors, []);
  });

  it('reports each bad line with its number and reason', () => {
    const parsed = parseDataset('{"prompt": "ok"}\n{bad json\n[1]\n{"messages": []}\n{"messages": [{"role": "bot", "content": "x"}]}\n{"x": 1}', { needsPrompt: true });
    assert.deepEqual(parsed.errors.map((e) => e.line), [2, 3, 4, 5, 6]);
    assert.match(parsed.errors[0]!.message, /not valid JSON/);
    assert.match(parsed.errors[3]!.message, /role/);
    assert.match(parsed.errors[4]!.message, /needs `messages`/);
  });

  it('accepts prompt-less items when a template builds the prompt', () => {
    assert.deepEqual(parseDataset('{"problem": "x"}', { needsPrompt: false }).errors, []);
  });
});

describe('items', () => {
  it('drop the trailing assistant message (the training target)', () => {
    const item = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] };
    assert.deepEqual(itemMessages(item), [{ role: 'user', content: 'q' }]);
    assert.equal(itemTarget(item), 'a');
    assert.deepEqual(itemMessages({ prompt: 'p' }), [{ role: 'user', content: 'p' }]);
  });
});
