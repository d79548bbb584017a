import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontmatterJsonSchema } from './jsonSchema';

describe('frontmatterJsonSchema', () => {
  it('matches the shipped schemas/inoc.schema.json (run `npm run schema` after changing keys)', () => {
    const shipped = JSON.parse(readFileSync(join(__dirname, '../../../schemas/inoc.schema.json'), 'utf8'));
    assert.deepEqual(shipped, frontmatterJsonSchema());
  });

  it('describes every behaviour and the grader shorthand', () => {
    const schema = frontmatterJsonSchema() as any;
    assert.deepEqual(schema.properties.behavior.enum, ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom']);
    assert.deepEqual(schema.required, ['behavior']);
    const grader = schema.properties.check.properties.grader.anyOf;
    assert.ok(grader[0].enum.includes('code-tests'));
    assert.ok(grader.some((g: any) => g.properties?.type?.const === 'regex' && g.required.includes('pattern')));
  });
});
