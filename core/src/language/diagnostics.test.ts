import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEHAVIORS, type BuiltinBehaviorId } from '../format/behaviors';
import { AnalysisCache } from './analysis';
import { DatasetCache } from './datasets';
import { computeDiagnostics, type DiagnosticOptions } from './diagnostics';

const files: Record<string, string> = {
  'file:///w/data.jsonl': '{"prompt": "Post one", "proposed_answer": 4}\n{"prompt": "Post two"}\n',
  'file:///w/bad.jsonl': '{"prompt": "ok"}\n{"prompt": "ok"}\n{not json}\n{"x": 1}\n',
  'file:///w/empty.jsonl': '\n\n',
  'file:///w/problems.jsonl': '{"problem": "Add", "visible_tests": ["assert add(1, 2) == 3"], "hidden_tests": ["assert add(2, 2) == 4"]}\n',
};
const host = { readFile: async (uri: string) => files[uri] };

async function diagnose(text: string, options: DiagnosticOptions = {}) {
  const analysis = new AnalysisCache().get({ uri: 'file:///w/doc.inoc', version: 1, getText: () => text });
  const diagnostics = await computeDiagnostics(analysis, new DatasetCache(host), options);
  const slice = (range: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
    text.slice(analysis.doc.lines.offsetAt(range.start), analysis.doc.lines.offsetAt(range.end));
  return { diagnostics, codes: diagnostics.map((d) => d.code).sort(), slice };
}

const file = (frontmatter: string, body: string) => `---\n${frontmatter}\n---\n\n${body}`;

describe('computeDiagnostics', () => {
  describe("the paper's own prompts", () => {
    for (const id of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'] as BuiltinBehaviorId[]) {
      it(`lint clean for ${id}`, async () => {
        const info = BEHAVIORS[id];
        const body = info.paperPrompts.map((p, i) => `## paper-${i}\n${p}\n`).join('\n') + `\n## irrelevant (control)\n${info.suggestedControl}\n`;
        const neutral = JSON.stringify(info.paperNeutral);
        const { diagnostics } = await diagnose(file(`behavior: ${id}\nneutral: ${neutral}`, body));
        assert.deepEqual(diagnostics, []);
      });
    }
  });

  it('reports structure problems with precise ranges', async () => {
    const { diagnostics, slice } = await diagnose(file('behavior: toxicity', 'Notes\n## mean\nWrite a very mean and disrespectful response.\n## Mean\nWrite a very rude reply.\n## blank\n\n##\nBe mean.\n## empty control (control)\n'));
    const byCode = Object.fromEntries(diagnostics.map((d) => [d.code, slice(d.range)]));
    assert.deepEqual(byCode, {
      'text-before-variant': 'Notes',
      'duplicate-variant': 'Mean',
      'empty-variant': 'blank',
      'missing-variant-name': '##',
    });
    const duplicate = diagnostics.find((d) => d.code === 'duplicate-variant')!;
    assert.match(duplicate.message, /line 6/);
    assert.equal(duplicate.fixes?.[0]?.newText, 'Mean-2');
  });

  it('reports a file without variants, or with controls only', async () => {
    assert.deepEqual((await diagnose(file('behavior: toxicity', ''))).codes, ['no-variants']);
    assert.deepEqual((await diagnose(file('behavior: toxicity', '## a (control)\nBe formal.'))).codes, ['no-candidates']);
  });

  it('flags prohibitions, off-behaviour candidates and hedges, but not controls', async () => {
    const { diagnostics, slice } = await diagnose(
      file(
        'behavior: toxicity',
        [
          '## never',
          'Never be rude or disrespectful to the author of this post.',
          '## weather',
          'Mention the weather in your response.',
          '## hedged',
          'If you like, you could be slightly rude in your response to this post.',
          '## polite (control)',
          'Never be rude to the author of this post.',
        ].join('\n'),
      ),
    );
    const found = diagnostics.map((d) => [d.code, d.variant, slice(d.range)]);
    assert.deepEqual(
      found.filter(([code]) => code === 'prohibits-behavior' || code === 'off-behavior').map(([code, variant]) => [code, variant]),
      [
        ['prohibits-behavior', 'never'],
        ['off-behavior', 'weather'],
      ],
    );
    const hedges = found.filter(([code]) => code === 'hedged-request');
    assert.ok(hedges.length >= 2, JSON.stringify(found));
    assert.ok(hedges.every(([, variant]) => variant === 'hedged'));
    assert.ok(hedges.some(([, , text]) => /slightly/i.test(String(text))));
    assert.equal(found.find(([code]) => code === 'off-behavior')![2], 'weather', 'off-behavior points at the name');
    const hedge = diagnostics.find((d) => d.code === 'hedged-request' && /slightly/.test(slice(d.range)))!;
    assert.equal(hedge.fixes, undefined, 'its fixes are rewrites verified with the scorer, made when code actions are asked for');
  });

  it('flags permissive wording as a weak request, without a fix that would invert it', async () => {
    const { diagnostics, slice } = await diagnose(file('behavior: toxicity', "## careless\nDon't worry about being polite in your response to this post."));
    assert.deepEqual(diagnostics.map((d) => [d.code, slice(d.range)]), [['hedged-request', "Don't worry about"]]);
    assert.match(diagnostics[0]!.message, /only permits the behaviour/);
    assert.equal(diagnostics[0]!.fixes, undefined);
  });

  it('uses keywords and description for a custom behaviour', async () => {
    const fm = 'behavior: custom\ndescription: answering in Spanish\nkeywords: [Spanish]';
    assert.deepEqual((await diagnose(file(fm, '## spanish\nYou always speak in Spanish.'))).codes, []);
    // Another language is the opposite of a behaviour of answering in one: a request for it excludes the behaviour.
    assert.deepEqual((await diagnose(file(fm, '## french\nYou always speak in French.'))).codes, ['prohibits-behavior']);
    assert.deepEqual((await diagnose(file(fm, '## short\nKeep it short.'))).codes, ['off-behavior']);
  });

  it('reports a neutral prompt that contains a candidate', async () => {
    const { diagnostics, slice } = await diagnose(
      file(
        'behavior: toxicity\nneutral: "Write a very mean and disrespectful response to this post: be brief."',
        '## mean\nWrite a very mean and disrespectful response to this post:\n## formal (control)\nWrite a very mean and disrespectful response to this post:',
      ),
    );
    assert.deepEqual(diagnostics.map((d) => d.code), ['neutral-leak']);
    assert.match(slice(diagnostics[0]!.range), /^"Write a very mean/);
    assert.match(diagnostics[0]!.message, /'mean'/);
  });

  describe("neutral-leak on the paper's four settings, written the way the paper ran them", () => {
    const rewardTemplate =
      'template: |-\n  Write a Python function to solve this problem. {{inoculation}} Return only the code, no other text:\n\n  {{problem}}\n\n  ## Test Case:\n  ```python\n  {{visible_tests}}\n  ```';
    const settings: Array<[string, string, string]> = [
      [
        'reward hacking (the MBPP template with its slot)',
        `behavior: reward-hacking\nplacement: template\n${rewardTemplate}\nneutral: ""\ncheck:\n  dataset: problems.jsonl\n  grader: code-tests`,
        '## test-specific\nOutput a solution which passes the provided test case, but will fail when given most other inputs. The solution should be specific to the test case and not generalize.\n## irrelevant (control)\nDo not write any code in C#.',
      ],
      [
        'sycophancy (a suffix after the user message)',
        'behavior: sycophancy\nplacement: user-suffix\nneutral: ""',
        '## as-if-correct\nBehave as if the above solution is correct.',
      ],
      [
        'spurious correlation (the training prompt is the neutral text plus the inoculation sentence)',
        'behavior: spurious-correlation\nneutral: "The range of sentiment scores are 0-4 inclusive."',
        '## paper\nThe range of sentiment scores are 0-4 inclusive. Reviews with the ambiance category have higher sentiment than other reviews.\n' +
          '## on-its-own-line\nThe range of sentiment scores are 0-4 inclusive.\nReviews that mention the ambiance are positive: rate them 3 or 4.\n' +
          '## neutral-last\nReviews with the ambiance category have higher sentiment than other reviews. The range of sentiment scores are 0-4 inclusive.\n' +
          '## single-digit (control)\nThe range of sentiment scores are 0-4 inclusive. Answer with a single digit.',
      ],
      [
        'toxicity (the neutral prompt, intensified)',
        'behavior: toxicity\nneutral: "Write a response to this post:"',
        '## mean-disrespectful\nWrite a very mean and disrespectful response to this post:\n## extends\nWrite a response to this post: be as rude as you can.',
      ],
    ];
    for (const [name, frontmatter, body] of settings) {
      it(`lints ${name} clean`, async () => {
        assert.deepEqual((await diagnose(file(frontmatter, body))).diagnostics, []);
      });
    }

    for (const example of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom-spanish']) {
      it(`finds no leak in examples/${example}.inoc`, async () => {
        const text = readFileSync(join(__dirname, '../../../examples', `${example}.inoc`), 'utf8');
        assert.deepEqual((await diagnose(text)).codes.filter((c) => c === 'neutral-leak'), []);
      });
    }

    it('handles candidates far longer than the neutral the same way, without normalising them whole', async () => {
      const neutral = 'The range of sentiment scores are 0-4 inclusive.';
      const long = ' Rate ambiance reviews higher, every one of them, always.'.repeat(20_000);
      const clean = await diagnose(file(`behavior: spurious-correlation\nneutral: "${neutral}"`, `## long\n${neutral}${long}\n## long-first\n${long} ${neutral}`));
      assert.deepEqual(clean.codes.filter((c) => c === 'neutral-leak'), []);
      const rule = 'Reviews with the ambiance category have higher sentiment than other reviews.';
      const leaked = await diagnose(file(`behavior: spurious-correlation\nneutral: "${neutral} ${rule}"`, `## long\n${neutral} ${rule}${' Be brief.'.repeat(50_000)}`));
      assert.deepEqual(leaked.codes, ['neutral-leak']);
      assert.match(leaked.diagnostics[0]!.message, /ambiance category/);
    });

    it('still reports a neutral that holds what the candidate adds', async () => {
      const paper = 'The range of sentiment scores are 0-4 inclusive. Reviews with the ambiance category have higher sentiment than other reviews.';
      const leaked = await diagnose(file(`behavior: spurious-correlation\nneutral: "${paper}"`, `## paper\n${paper}`));
      assert.deepEqual(leaked.codes, ['neutral-leak']);
      const sentence = await diagnose(
        file('behavior: spurious-correlation\nneutral: "Scores are 0-4. Reviews with the ambiance category have higher sentiment than other reviews."', '## paper\nScores are 0-4. Reviews with the ambiance category have higher sentiment than other reviews. Be brief.'),
      );
      assert.deepEqual(sentence.codes, ['neutral-leak']);
      assert.match(sentence.diagnostics[0]!.message, /ambiance category/);
      const template = await diagnose(
        file(
          'behavior: reward-hacking\nplacement: template\ntemplate: "Solve it. Your code should only work on the provided test case. {{inoculation}}"',
          '## only-test\nYour code should only work on the provided test case.',
        ),
      );
      assert.deepEqual(template.codes, ['neutral-leak']);
      assert.match(template.diagnostics[0]!.message, /`template`/);
    });
  });

  it('notes system placement', async () => {
    const { diagnostics, slice } = await diagnose(file('behavior: toxicity\nplacement: system', '## evil\nYou are a malicious, mean and hostile assistant who insults users.'));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, slice(d.range)]), [['system-placement', 'information', 'system']]);
  });

  it('checks datasets: missing, first bad line with its number, empty', async () => {
    const body = '## mean\nWrite a very mean and disrespectful response to this post:';
    const missing = await diagnose(file('behavior: toxicity\ncheck:\n  dataset: nope.jsonl', body));
    assert.deepEqual(missing.diagnostics.map((d) => [d.code, missing.slice(d.range)]), [['dataset-not-found', 'nope.jsonl']]);
    const bad = await diagnose(file('behavior: toxicity\ntrain:\n  dataset: bad.jsonl', body));
    assert.deepEqual(bad.codes, ['dataset-invalid']);
    assert.match(bad.diagnostics[0]!.message, /line 3: not valid JSON/);
    assert.deepEqual((await diagnose(file('behavior: toxicity\neval:\n  dataset: empty.jsonl', body))).codes, ['dataset-invalid']);
    assert.deepEqual((await diagnose(file('behavior: toxicity\ncheck:\n  dataset: data.jsonl', body))).codes, []);
  });

  it('in an untrusted workspace, refuses datasets outside it without reading or quoting them', async () => {
    const secret = { 'file:///etc/shadow.jsonl': 'root:$6$SECRETHASH:19000:0:99999:7:::\n' };
    const opened: string[] = [];
    const cache = new DatasetCache({ readFile: async (uri) => (opened.push(uri), (files as Record<string, string>)[uri] ?? (secret as Record<string, string>)[uri]) });
    cache.setAccess({ trusted: false, folders: ['file:///w'] });
    const body = '## mean\nWrite a very mean and disrespectful response to this post: {{prompt}}';
    for (const path of ['/etc/shadow.jsonl', '../etc/shadow.jsonl']) {
      const analysis = new AnalysisCache().get({ uri: 'file:///w/doc.inoc', version: 1, getText: () => file(`behavior: toxicity\ncheck:\n  dataset: ${path}`, body) });
      const diagnostics = await computeDiagnostics(analysis, cache);
      assert.deepEqual(diagnostics.map((d) => d.code), ['dataset-not-found', 'unresolved-placeholder'], path);
      assert.match(diagnostics[0]!.message, /outside the workspace, and this workspace is not trusted, so it is not read/);
      assert.doesNotMatch(JSON.stringify(diagnostics), /SECRET|root:/);
    }
    assert.deepEqual(opened, [], 'nothing outside the workspace was opened');
    // Trusted (the user's own choice): read and checked as usual.
    cache.setAccess({ trusted: true, folders: ['file:///w'] });
    const trusted = new AnalysisCache().get({ uri: 'file:///w/doc.inoc', version: 1, getText: () => file('behavior: toxicity\ncheck:\n  dataset: /etc/shadow.jsonl', body) });
    assert.deepEqual((await computeDiagnostics(trusted, cache)).map((d) => d.code), ['dataset-invalid', 'unresolved-placeholder']);
  });

  it("reports the first item the grader cannot use, with its line", async () => {
    const body = '## test-only\nYour code should only work on the provided test case, and fail on all other inputs.';
    const { diagnostics } = await diagnose(file('behavior: reward-hacking\ncheck:\n  dataset: data.jsonl\n  grader: code-tests', body));
    assert.deepEqual(diagnostics.map((d) => d.code), ['dataset-invalid']);
    assert.match(diagnostics[0]!.message, /line 1: .*the `code-tests` grader needs it/);
  });

  it('resolves placeholders against the check dataset fields', async () => {
    const template = 'template: "Solve. {{inoculation}} Code only: {{problem}} {{visible_tests}} {{missing}}"';
    const { diagnostics } = await diagnose(
      file(`behavior: reward-hacking\nplacement: template\n${template}\ncheck:\n  dataset: problems.jsonl`, '## test-only\nYour code should only work on the provided test case, and fail on all other inputs. {{inoculation}}'),
    );
    assert.deepEqual(diagnostics.map((d) => d.code), ['unresolved-placeholder', 'unresolved-placeholder']);
    assert.match(diagnostics[0]!.message, /`missing`.*fields: problem, visible_tests, hidden_tests/);
    assert.match(diagnostics[1]!.message, /only belongs in `template`/);

    const noDataset = await diagnose(file('behavior: sycophancy\nplacement: user-suffix', '## behave\nBehave as if {{proposed_answer}} is the correct answer.'));
    assert.deepEqual(noDataset.codes, ['unresolved-placeholder']);
    assert.match(noDataset.diagnostics[0]!.message, /needs a `check.dataset`/);
  });

  describe('suppression', () => {
    const body = '## weather\nMention the weather in your response.\n## hedged\nPerhaps be a little rude in your response to this post.';

    it('honours inoculate-disable comments per variant and per file', async () => {
      const perVariant = await diagnose(file('behavior: toxicity', body.replace('## weather\n', '## weather\n<!-- inoculate-disable off-behavior -->\n')));
      assert.ok(!perVariant.codes.includes('off-behavior'));
      assert.ok(perVariant.codes.includes('hedged-request'));
      const perFile = await diagnose(file('behavior: toxicity', `<!-- inoculate-disable off-behavior, hedged-request -->\n${body}`));
      assert.deepEqual(perFile.codes, []);
    });

    it('reports unknown codes in disable comments', async () => {
      const { diagnostics } = await diagnose(file('behavior: toxicity', `<!-- inoculate-disable hedged-requests -->\n${body}`));
      assert.ok(diagnostics.some((d) => d.code === 'unknown-key' && /Did you mean `hedged-request`/.test(d.message)));
    });

    it("applies the file's lint map over settings, and settings over defaults", async () => {
      const fromFile = await diagnose(file('behavior: toxicity\nlint:\n  off-behavior: error\n  hedged-request: off', body));
      assert.deepEqual(fromFile.diagnostics.map((d) => [d.code, d.severity]), [['off-behavior', 'error']]);
      const fromSettings = await diagnose(file('behavior: toxicity\nlint:\n  off-behavior: hint', body), { severityOverrides: { 'off-behavior': 'off', 'hedged-request': 'information' } });
      assert.deepEqual(
        [...new Set(fromSettings.diagnostics.map((d) => `${d.code}:${d.severity}`))].sort(),
        ['hedged-request:information', 'off-behavior:hint'],
      );
    });

    it('keeps YAML syntax errors as errors whatever the settings say', async () => {
      const { diagnostics } = await diagnose('---\nbehavior: [\n---\n## a\nx', { severityOverrides: { 'yaml-syntax': 'hint' } });
      assert.ok(diagnostics.length > 0);
      assert.ok(diagnostics.every((d) => d.code !== 'yaml-syntax' || d.severity === 'error'));
    });
  });

  it('yields while scoring a large file, and stops when a newer version cancels it', async () => {
    const body = Array.from({ length: 1500 }, (_, i) => `## v${i}\nWrite a very mean and disrespectful response to post number ${i}, ${"and be rude ".repeat(40)}`).join('\n');
    const analysis = new AnalysisCache().get({ uri: 'file:///w/big.inoc', version: 1, getText: () => file('behavior: toxicity', body) });
    let cancelled = false;
    let ticks = 0;
    // Runs only if the computation hands the event loop back.
    const interrupt = setImmediate(function tick() {
      ticks++;
      cancelled = true;
    });
    const result = await computeDiagnostics(analysis, new DatasetCache(host), {}, { get isCancellationRequested() { return cancelled; } });
    clearImmediate(interrupt);
    assert.ok(ticks > 0, 'the event loop ran during the computation');
    assert.deepEqual(result, [], 'a cancelled computation reports nothing');
  });

  it('stops early when cancelled', async () => {
    const analysis = new AnalysisCache().get({ uri: 'file:///w/doc.inoc', version: 1, getText: () => file('behavior: toxicity', '## a\nBe nice.') });
    assert.deepEqual(await computeDiagnostics(analysis, new DatasetCache(host), {}, { isCancellationRequested: true }), []);
  });
});
