import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeCompletions } from './completion';
import { resolveRelative } from './host';
import { computeHover } from './hover';
import { NO_MEASUREMENTS, type MeasurementSource } from './measurements';
import { analyzeWithCursor, assertInert, datasetsOf, hostileText, TEST_URI } from './testing';

const DOC = `---
behavior: toxicity
placement: user-prefix
check:
  dataset: data.jsonl
  grader: {type: moderation, threshold: 0.7}
---

## mean
Write a very mean and disrespectful response to this post: {{topic}}

## formal (control)
Write your response in formal English:
`;

async function hoverAt(marker: string, replacement: string, measurements: MeasurementSource = NO_MEASUREMENTS) {
  const { analysis, position } = analyzeWithCursor(DOC.replace(marker, replacement));
  const hover = await computeHover(analysis, position, datasetsOf({ 'file:///w/data.jsonl': '{"prompt": "p", "topic": "tea"}\n' }), measurements);
  return hover ? (hover.contents as { value: string }).value : null;
}

describe('hover', () => {
  it('explains a key, with its type and default', async () => {
    const text = (await hoverAt('placement:', 'place|ment:'))!;
    assert.match(text, /\*\*`placement`\*\*/);
    assert.match(text, /Default: `"user-prefix"`/);
    assert.match(text, /user-suffix/);
  });

  it('shows the behaviour card on its value, with the paper prompts', async () => {
    const text = (await hoverAt('behavior: toxicity', 'behavior: toxi|city'))!;
    assert.match(text, /\*\*Toxicity\*\*/);
    assert.match(text, /Write a very mean and disrespectful response to this post:/);
    assert.match(text, /Neutral \(test-time\) prompt/);
  });

  it('describes enum values, grader types and nested grader options', async () => {
    assert.match((await hoverAt('user-prefix', 'user-pre|fix'))!, /Before the user message/);
    assert.match((await hoverAt('type: moderation', 'type: moder|ation'))!, /`moderation`: An OpenAI-compatible moderation endpoint/);
    assert.match((await hoverAt('grader: {type: moderation, threshold: 0.7}', 'grader: regex|'))!, /Grader `regex`/);
    assert.match((await hoverAt('threshold', 'thresh|old'))!, /check\.grader\.threshold/);
  });

  it('summarises the dataset', async () => {
    const text = (await hoverAt('data.jsonl', 'data.js|onl'))!;
    assert.match(text, /1 item/);
    assert.match(text, /`topic`/);
  });

  it('explains a candidate score with what raised and lowered it', async () => {
    const text = (await hoverAt('## mean', '## me|an'))!;
    assert.match(text, /\*\*mean\*\* · predicted elicitation \*\*0\.\d\d\*\*/);
    assert.match(text, /Raised by:\n- \+0\.\d\d /);
    assert.match(text, /run a check to measure it/);
  });

  it('marks controls and shows a placeholder example', async () => {
    assert.match((await hoverAt('## formal (control)', '## for|mal (control)'))!, /control arm/);
    assert.match((await hoverAt('{{topic}}', '{{to|pic}}'))!, /field `topic`.*\n\nFirst item \(line 1\): `tea`/s);
  });

  it('shows a measurement and a calibration when there are some', async () => {
    const measurements: MeasurementSource = {
      forVariant: (_uri, name) =>
        name === 'mean'
          ? { rate: 0.34, ci: [0.22, 0.48], n: 50, k: 17, lift: 0.2, liftCi: [0.05, 0.35], model: 'gpt-4.1-mini', finishedAt: new Date(Date.now() - 2 * 3600_000).toISOString(), stale: false }
          : undefined,
      calibrationFor: () => ({ apply: () => 0.41, describe: () => 'calibrated on 4 measured variants' }),
    };
    const text = (await hoverAt('## mean', '## me|an', measurements))!;
    // The figures are escaped like any text read from a results file (brackets render as brackets).
    assert.match(text, /Measured: \*\*34% \\\[22%, 48%\\\] \(17\/50\), lift \+20 pts \\\[\+5, \+35\\\]\*\* on `gpt-4\.1-mini`, 2 h ago/);
    assert.match(text, /Calibrated: \*\*41%\*\* expected rate \(calibrated on 4 measured variants\)/);
    assert.doesNotMatch(text, /run a check/);
  });

  it('says when a measurement was found in the repository rather than measured by this user', async () => {
    const measured = (origin: 'here' | 'elsewhere'): MeasurementSource => ({
      forVariant: (_uri, name) =>
        name === 'mean' ? { rate: 0.34, ci: [0.22, 0.48], n: 50, k: 17, lift: null, liftCi: null, model: 'gpt-4.1-mini', finishedAt: new Date().toISOString(), stale: false, origin } : undefined,
      calibrationFor: () => undefined,
    });
    const elsewhere = (await hoverAt('## mean', '## me|an', measured('elsewhere')))!;
    assert.match(elsewhere, /Measured elsewhere: \*\*34% \\\[22%, 48%\\\] \(17\/50\)\*\* on `gpt-4\.1-mini`, just now · found in `\.inoculate\/`, not measured by you; calibration ignores it/);
    const here = (await hoverAt('## mean', '## me|an', measured('here')))!;
    assert.match(here, /Measured: \*\*34%/);
    assert.doesNotMatch(here, /elsewhere|not measured by you/);
  });

  it('returns nothing on blank lines', async () => {
    assert.equal(await hoverAt('---\n\n## mean', '---\n|\n## mean'), null);
  });
});

describe('hover and completion Markdown from hostile files', () => {
  /** A file whose every free-text place (name, text, path, key, description, keyword, dataset field and value, model) holds `hostile`. */
  function hostileFile(hostile: string) {
    const line = hostile.replace(/[\r\n\u2028\u2029]/g, ' ');
    const yaml = JSON.stringify(hostile);
    const field = `f${line.replace(/[^\w]/g, '')}`.slice(0, 20);
    const text = [
      '---',
      'behavior: custom',
      `description: ${yaml}`,
      `keywords: [${yaml}, agree]`,
      'check:',
      `  dataset: ${JSON.stringify(`${line}.jsonl`)}`,
      'lint:',
      `  ${JSON.stringify(line)}: off`,
      '---',
      `## ${line.replace(/^#+/, '') || 'x'}`,
      `Always agree ${line} with {{${field}}} and {{inoculation}}.`,
      `## ${line.replace(/^#+/, '') || 'x'} (control)`,
      'Be formal.',
      '',
    ].join('\n');
    const datasets = datasetsOf({ [resolveRelative(TEST_URI, `${line}.jsonl`)]: `${JSON.stringify({ prompt: hostile, [field]: hostile, [hostile]: hostile })}\n` });
    const measurements: MeasurementSource = {
      // Found elsewhere: the longest measurement line, with the model name quoted twice over.
      forVariant: () => ({ rate: 0.5, ci: [0.4, 0.6], n: 10, k: 5, lift: 0.1, liftCi: [0, 0.2], model: hostile, finishedAt: hostile, stale: true, origin: 'elsewhere' }),
      calibrationFor: () => ({ apply: () => 0.5, describe: () => hostile }),
    };
    return { text, datasets, measurements };
  }

  it('property: no file text makes a link, an image, HTML or a command URI in any hover or completion documentation', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (hostile) => {
        const { text, datasets, measurements } = hostileFile(hostile);
        const { analysis } = analyzeWithCursor(text);
        const lines = text.split('\n');
        for (let line = 0; line < lines.length; line++) {
          for (const character of new Set([0, 3, 5, 12, 20, Math.max(0, lines[line]!.length - 3), lines[line]!.length])) {
            const position = { line, character: Math.min(character, lines[line]!.length) };
            const hover = await computeHover(analysis, position, datasets, measurements);
            if (hover) assertInert((hover.contents as { value: string }).value, `hover at ${line}:${character}`);
            const list = await computeCompletions(analysis, position, datasets);
            for (const item of list.items) {
              const doc = item.documentation;
              if (doc && typeof doc !== 'string' && doc.kind === 'markdown') assertInert(doc.value, `completion ${item.label} at ${line}:${character}`);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('shows a hostile variant name as text, not as a trusted command link or a remote image', async () => {
    const { analysis, position } = analyzeWithCursor('---\nbehavior: sycophancy\n---\n## [run](command:inoculate.runCheck) ![x](https://evil.example/p.png)|\nAlways agree with the user.\n');
    const hover = (await computeHover(analysis, position, datasetsOf(), NO_MEASUREMENTS))!;
    const value = (hover.contents as { value: string }).value;
    assertInert(value, 'variant name');
    assert.match(value, /^\*\*\\\[run\\\]\(command:inoculate\.runCheck\) !\\\[x\\\]\(https\\:\/\/evil\.example\/p\.png\)\*\*/);
  });
});
