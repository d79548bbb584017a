import assert from 'node:assert/strict';
import { BEHAVIORS, BEHAVIOR_IDS } from '../../core/src/format/behaviors';
import { parseInocDocument } from '../../core/src/format/parse';
import { InocLanguageService } from '../../core/src/language/service';
import { resolveRelative } from '../../core/src/language/host';
import { starterDatasetPath, starterDatasetText } from '../../core/src/language/starterDataset';
import { MAX_LINE, newFileContent, templateChoices } from './newFileTemplates';
import { frontmatterWithDataset } from './starterDatasetEdit';

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

      it(`keeps every comment line within ${MAX_LINE} characters`, () => {
        const long = text.split('\n').filter((line) => (line.startsWith('#') || line.startsWith('<!--') || line.endsWith('-->')) && line.length > MAX_LINE);
        assert.deepEqual(long, []);
      });

      it('is ready for a first check once "Create Starter Dataset" has run: its check block on, its data there, nothing reported', async () => {
        const path = starterDatasetPath(behavior);
        const yaml = /^---\n([\s\S]*?)^---$/m.exec(text)![1]!;
        const withData = text.replace(yaml, frontmatterWithDataset(yaml, path)!);
        const uri = `file:///work/starter-${behavior}.inoc`;
        const files: Record<string, string> = { [resolveRelative(uri, path)]: starterDatasetText(behavior) };
        const withFiles = new InocLanguageService({ readFile: async (file) => files[file] });
        const diagnostics = await withFiles.diagnostics({ uri, version: 1, getText: () => withData });
        assert.deepEqual(diagnostics.map((d) => `${d.code}: ${d.message}`), []);
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
