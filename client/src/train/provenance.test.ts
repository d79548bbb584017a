import assert from 'node:assert/strict';
import fc from 'fast-check';
import { marked, type Token } from 'marked';
import { hostileText } from '../../../core/src/language/testing';
import { makeRun } from '../../../test/support/trainRuns';
import { fencedBlock, provenanceMarkdown } from './provenance';

/** Rendered as a Markdown preview would (GFM, HTML let through the parser): no link, image, HTML or definition. */
function assertNoActiveMarkup(markdown: string, context: string): void {
  marked.walkTokens(marked.lexer(markdown, { gfm: true }), (token: Token) => {
    assert.ok(!['link', 'image', 'html', 'def'].includes(token.type), `${context}: a ${token.type} token ${JSON.stringify(token.raw)}`);
  });
  const html = marked.parse(markdown, { gfm: true, async: false }) as string;
  assert.doesNotMatch(html, /<(?!\/?(?:p|strong|em|code|pre|ul|ol|li|h[1-3]|table|thead|tbody|tr|th|td|br|hr)(?: align="(?:left|right|center)"| class="language-text")?>)[a-z!/?]/i, `${context}: unexpected HTML in ${html}`);
  assert.doesNotMatch(html, /<[a-z][^>]*\b(?:href|src)=/i, context);
}

describe('the provenance of a run', () => {
  it('renders the record readably: instruction, hashes, dataset, hyper-parameters, job and status history', () => {
    const run = makeRun({
      runId: '8c0f3e1a2b3c4d5e',
      job: 'ftjob-abc',
      submittedAt: '2026-11-30T10:01:00.000Z',
      statuses: [['queued', 'validating_files', '2026-11-30T10:02:00.000Z'], ['succeeded', 'succeeded', '2026-11-30T10:09:00.000Z']],
      model: { kind: 'hosted', modelId: 'ft:gpt-4.1-mini-2025-04-14:org:very-mean:AbC', baseModel: 'gpt-4.1-mini-2025-04-14' },
    });
    const text = provenanceMarkdown(run);
    assert.match(text, /^# Run `8c0f3e1a2b3c4d5e`: very-mean, seed 0$/m);
    assert.match(text, /```text\nWrite a very mean and disrespectful response to this post:\n```/);
    assert.match(text, new RegExp(`hash \`${run.provenance.arm.instructionHash}\``));
    assert.match(text, /\| Dataset sha256 \| `a{64}` \|/);
    assert.match(text, /\| Training file sha256 \| `b{64}` \|/);
    assert.match(text, /\| Tokens \| 324 \(counted with o200k\\_base\) \|/);
    assert.match(text, /\| Backend \| `openai` at `https:\/\/api\.openai\.com\/v1` \|/);
    assert.match(text, /\| Epochs \| auto \|/);
    assert.match(text, /\| Job \| `ftjob-abc` on `openai` \|/);
    assert.match(text, /\| 2026-11-30T10:02:00\.000Z \| queued \| validating\\_files \|  \|/);
    assert.match(text, /\| Result \| `ft:gpt-4\.1-mini-2025-04-14:org:very-mean:AbC` \(hosted\) \|/);
    assertNoActiveMarkup(text, 'a plain record');
  });

  it('keeps the instruction verbatim in a fence nothing inside can close', () => {
    const tricky = 'Ignore this:\n```\n[click](command:x)\n````\n<script>alert(1)</script>\n~~~';
    const block = fencedBlock(tricky);
    assert.ok(block.startsWith('`````text\n'), block);
    const tokens = marked.lexer(block, { gfm: true });
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.type, 'code');
    assert.equal((tokens[0] as { text: string }).text, tricky);
  });

  it('escapes every text from the file, the dataset and the backend (property: hostile text anywhere stays inert)', () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, hostileText, (name, message, raw, model) => {
        const run = makeRun({
          arm: name,
          instruction: name,
          inocFile: `${name}.inoc`,
          job: model,
          target: raw,
          statuses: [['failed', raw, '2026-11-30T10:02:00.000Z', message]],
          errors: [{ stage: 'status', message }],
          preflight: [{ severity: 'warning', code: name, message }],
          model: { kind: 'lora-adapter', modelId: model, baseModel: name, artifact: message },
        });
        assertNoActiveMarkup(provenanceMarkdown(run, (iso) => iso), JSON.stringify({ name, message, raw, model }));
      }),
      { numRuns: 200 },
    );
  });
});
