import assert from 'node:assert/strict';
import { BEHAVIORS, BEHAVIOR_IDS } from '../../core/src/format/behaviors';
import { parseInocDocument } from '../../core/src/format/parse';
import { InocLanguageService } from '../../core/src/language/service';
import { newFileContent, templateChoices } from './newFileTemplates';

describe('new file templates', () => {
  const service = new InocLanguageService({ readFile: async () => undefined });

  for (const behavior of BEHAVIOR_IDS) {
    describe(behavior, () => {
      const text = newFileContent(behavior);
      const document = { uri: `file:///work/new-${behavior}.inoc`, version: 1, getText: () => text };

      it('lints clean with the real language service (a template only asks for the dataset its slots need)', async () => {
        const diagnostics = await service.diagnostics(document);
        // The code template's slots are filled from dataset items: until the user adds `check.dataset`, the
        // diagnostics say which fields it must have. Nothing else may be reported.
        const expected =
          BEHAVIORS[behavior].paperPlacement === 'template'
            ? ['unresolved-placeholder {{problem}}', 'unresolved-placeholder {{visible_tests}}']
            : [];
        assert.deepEqual(
          diagnostics.map((d) => `${d.code} ${/\{\{\w+\}\}/.exec(d.message)?.[0] ?? d.message}`),
          expected,
        );
      });

      it("holds the paper's prompts, neutral prompt, placement and a control", () => {
        const parsed = parseInocDocument(document.uri, text);
        const info = BEHAVIORS[behavior];
        const candidates = parsed.variants.filter((v) => !v.control).map((v) => v.text);
        for (const prompt of info.paperPrompts) assert.ok(candidates.includes(prompt), `missing paper prompt: ${prompt}`);
        assert.ok(candidates.length >= 1);
        assert.equal(parsed.variants.filter((v) => v.control).length, 1);
        const config = parsed.frontmatter!.yaml.toJS() as Record<string, unknown>;
        assert.equal(config.behavior, behavior);
        assert.equal(config.placement, info.paperPlacement);
        assert.equal(config.neutral, info.paperNeutral);
      });

      it('scores every candidate', () => {
        const scores = service.variantScores(document).filter((v) => !v.control);
        for (const score of scores) assert.equal(typeof score.predicted, 'number', `${score.name} has no score`);
      });
    });
  }

  it('keeps the code template with its inoculation slot for reward hacking', () => {
    const parsed = parseInocDocument('file:///t.inoc', newFileContent('reward-hacking'));
    const template = (parsed.frontmatter!.yaml.toJS() as { template: string }).template;
    assert.match(template, /^Write a Python function to solve this problem\. \{\{inoculation\}\} Return only the code/);
    assert.match(template, /```python\n\{\{visible_tests\}\}\n```$/);
  });

  it('offers one choice per behaviour', () => {
    const choices = templateChoices();
    assert.deepEqual(choices.map((c) => c.behavior), [...BEHAVIOR_IDS]);
    assert.match(choices[0]!.detail, /3 prompts and a control/);
  });
});
