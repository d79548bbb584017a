import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { BEHAVIOR_IDS } from '../../core/src/format/behaviors';
import { newFileContent } from './newFileTemplates';
import { frontmatterWithDataset } from './starterDatasetEdit';

/** The YAML between a file's fences. */
const frontmatterOf = (text: string) => /^---\n([\s\S]*?)^---$/m.exec(text)![1]!;

describe('frontmatterWithDataset', () => {
  for (const behavior of BEHAVIOR_IDS) {
    it(`switches on the commented check block of the ${behavior} template`, () => {
      const yaml = frontmatterOf(newFileContent(behavior));
      const edited = frontmatterWithDataset(yaml, `data/${behavior}.jsonl`)!;
      const value = parse(edited);
      assert.equal(value.check.dataset, `data/${behavior}.jsonl`);
      assert.equal(value.check.samples, 20, 'the rest of the block is kept');
      assert.equal(value.behavior, behavior);
      assert.doesNotMatch(edited, /^# check:/m, 'the commented block is not left behind');
      assert.match(edited, new RegExp(`^check:\\n {2}dataset: "data/${behavior}\\.jsonl"\\n {2}samples: 20\\n`, 'm'), 'indented like the rest of the file');
      assert.equal(edited.split('\n').length, yaml.split('\n').length, 'no line added or lost');
    });
  }

  it('adds the key to an existing check block, keeping comments and other keys', () => {
    const yaml = 'behavior: toxicity\n# where the data is\ncheck:\n  samples: 30 # more is better\n  grader: {type: moderation}\n';
    const edited = frontmatterWithDataset(yaml, 'data/x.jsonl')!;
    assert.deepEqual(parse(edited).check, { samples: 30, grader: { type: 'moderation' }, dataset: 'data/x.jsonl' });
    assert.match(edited, /# where the data is/);
    assert.match(edited, /# more is better/);
  });

  it('adds a check block when there is none, and replaces a dataset that is there', () => {
    assert.deepEqual(parse(frontmatterWithDataset('behavior: toxicity\n', 'd.jsonl')!), { behavior: 'toxicity', check: { dataset: 'd.jsonl' } });
    assert.equal(parse(frontmatterWithDataset('check:\n  dataset: old.jsonl\n', 'new.jsonl')!).check.dataset, 'new.jsonl');
  });

  it('leaves files it cannot edit safely alone', () => {
    assert.equal(frontmatterWithDataset('check: [1, 2\n', 'd.jsonl'), undefined, 'broken YAML');
    assert.equal(frontmatterWithDataset('check: some text\n', 'd.jsonl'), undefined, 'check is not a map');
  });
});
