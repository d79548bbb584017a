import assert from 'node:assert/strict';
import { modelSelectors, toLmMessages } from './vscodeLmMessages';

describe('vscode-lm messages', () => {
  it('moves system and developer instructions into a first user message', () => {
    assert.deepEqual(
      toLmMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'developer', content: 'Use Spanish.' },
        { role: 'user', content: 'Q2' },
      ]),
      [
        { role: 'user', content: 'Instructions:\nBe brief.\n\nUse Spanish.' },
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'Q2' },
      ],
    );
    assert.deepEqual(toLmMessages([{ role: 'user', content: 'only' }]), [{ role: 'user', content: 'only' }]);
  });

  it('selects a model by vendor/family, id or family', () => {
    assert.deepEqual(modelSelectors('copilot/gpt-4o'), [{ vendor: 'copilot', family: 'gpt-4o' }, { id: 'copilot/gpt-4o' }]);
    assert.deepEqual(modelSelectors('gpt-4o'), [{ id: 'gpt-4o' }, { family: 'gpt-4o' }]);
  });
});
