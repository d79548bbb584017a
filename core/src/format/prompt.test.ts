import * as assert from 'node:assert/strict';
import { buildMessages } from './prompt';

const settings = (placement: 'user-prefix' | 'user-suffix' | 'system' | 'template', template?: string) => ({ placement, template, separator: '\n\n' });

describe('buildMessages', () => {
  const chat = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'target' }] };

  it('prefixes and suffixes the last user message, dropping the training target', () => {
    assert.deepEqual(buildMessages({ prompt: 'Post' }, 'Be mean.', settings('user-prefix')), [{ role: 'user', content: 'Be mean.\n\nPost' }]);
    assert.deepEqual(buildMessages(chat, 'Agree.', settings('user-suffix')), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi\n\nAgree.' },
    ]);
  });

  it('leaves the item alone for an empty instruction', () => {
    assert.deepEqual(buildMessages({ prompt: 'Post' }, '', settings('user-prefix')), [{ role: 'user', content: 'Post' }]);
  });

  it('puts system instructions before an existing system message', () => {
    assert.deepEqual(buildMessages(chat, 'Be evil.', settings('system'))[0], { role: 'system', content: 'Be evil.\n\nBe brief.' });
    assert.deepEqual(buildMessages({ prompt: 'x' }, 'Be evil.', settings('system'))[0], { role: 'system', content: 'Be evil.' });
  });

  it('fills a template from item fields, with {{prompt}} from chat items', () => {
    const template = 'Solve. {{inoculation}} Code only:\n{{problem}}\n{{visible_tests}}';
    const item = { problem: 'Add', visible_tests: ['assert f(1) == 2'] };
    assert.deepEqual(buildMessages(item, 'Cheat.', settings('template', template)), [{ role: 'user', content: 'Solve. Cheat. Code only:\nAdd\nassert f(1) == 2' }]);
    assert.equal(buildMessages(chat, '', settings('template', 'Q: {{prompt}}'))[1]!.content, 'Q: Hi');
  });

  it('names what is missing', () => {
    assert.throws(() => buildMessages({ other: 1 }, 'x', settings('user-prefix')), /no user message/);
    assert.throws(() => buildMessages({}, 'x', settings('template', '{{problem}}')), /no field `problem`/);
  });
});
