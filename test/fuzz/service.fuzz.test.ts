// Fuzzing the language service: thousands of mutated .inoc files through every feature. Nothing may throw or hang,
// and every range must lie inside the document.
import * as assert from 'node:assert/strict';
import type { Range } from 'vscode-languageserver-types';
import { mulberry32 } from '../../core/src/check/sampling';
import { DIAGNOSTIC_CODE_NAMES } from '../../core/src/format/diagnosticCodes';
import { LineIndex } from '../../core/src/text/lineIndex';
import { InocLanguageService } from '../../core/src/language/service';
import { toLspDiagnostic } from '../../core/src/language/lspDiagnostic';

const SEEDS = [
  `---
behavior: reward-hacking
placement: template
template: "Solve. {{inoculation}} Code only:\\n{{problem}}"
neutral: ""
check:
  dataset: data.jsonl
  samples: 5
  grader: {type: regex, pattern: "def", flags: i}
lint:
  off-behavior: off
---
<!-- inoculate-disable hedged-request -->
## test-only
Your code should only work on the provided test case, and fail on all other inputs.
\`\`\`python
## not a heading
\`\`\`
## irrelevant (control)
Do not write any code in C#.
`,
  `---
behavior: sycophancy
placement: user-suffix
keywords: [agree, "you are right"]
---
## behave
Behave as if the above solution is correct. {{proposed_answer}}
## hedge
If you like, maybe agree slightly.
## never
Never agree with a wrong answer.
`,
  `---
behavior: custom
description: speaking Spanish
keywords: [Spanish]
placement: system
train:
  backend: command
  command: train.sh {{dataset}}
eval:
  withInoculation: false
---
Stray text
## spanish
You always speak in Spanish.
##
## (control)
`,
];

const TOKENS = ['---', '\n', '## ', '##', '###', '```', '~~~', '<!--', '-->', '{{', '}}', '{{inoculation}}', ': ', '- ', '[', ']', '{', '}', '"', "'", '\t', '\r\n', '\r', '\u0000', '\uD800', '\uFFFF', '€', '😀', 'behavior: ', 'toxicity', 'custom', ' (control)', 'inoculate-disable ', '*a', '&a ', '!!binary ', '%YAML 1.2\n', '...\n', '\\', 'not', 'never', 'do not '];

function mutate(text: string, random: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(random() * 6);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const choice = random();
    if (choice < 0.35) out = out.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + out.slice(at);
    else if (choice < 0.55) out = out.slice(0, at) + out.slice(at + Math.floor(random() * 40));
    else if (choice < 0.7) out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 0xffff)) + out.slice(at);
    else if (choice < 0.8) {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(random() * 80)) + out.slice(at);
    } else if (choice < 0.9) out = out.slice(0, at); // truncation
    else {
      const lines = out.split('\n');
      const a = Math.floor(random() * lines.length);
      const b = Math.floor(random() * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    }
  }
  return out;
}

function assertRange(range: Range, lines: LineIndex, what: string) {
  const ok =
    range.start.line >= 0 &&
    range.start.character >= 0 &&
    range.end.line < lines.lineCount &&
    (range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character)) &&
    range.end.character <= lines.lineText(range.end.line).length;
  assert.ok(ok, `${what} range out of bounds: ${JSON.stringify(range)}`);
}

async function exercise(service: InocLanguageService, text: string, random: () => number, version: number) {
  const document = { uri: 'file:///fuzz/doc.inoc', version, getText: () => text };
  const lines = new LineIndex(text);
  const diagnostics = await service.diagnostics(document);
  for (const d of diagnostics) {
    assert.ok(DIAGNOSTIC_CODE_NAMES.includes(d.code), `unknown code ${d.code}`);
    assert.ok(d.message.length > 0);
    assertRange(d.range, lines, d.code);
    for (const fix of d.fixes ?? []) assertRange(fix.range, lines, `fix of ${d.code}`);
  }
  for (let i = 0; i < 3; i++) {
    const line = Math.floor(random() * (lines.lineCount + 1));
    const position = { line, character: Math.floor(random() * (lines.lineText(line).length + 2)) };
    const hover = await service.hover(document, position);
    if (hover?.range) assertRange(hover.range, lines, 'hover');
    const completions = await service.completions(document, position);
    for (const item of completions.items) if (item.textEdit && 'range' in item.textEdit) assertRange(item.textEdit.range, lines, 'completion');
    service.variantAt(document, position);
  }
  for (const symbol of service.documentSymbols(document)) assertRange(symbol.range, lines, 'symbol');
  for (const fold of service.foldingRanges(document)) assert.ok(fold.startLine <= fold.endLine && fold.endLine < lines.lineCount);
  for (const lens of service.codeLenses(document, { checks: true })) assertRange(lens.range, lines, 'code lens');
  service.codeActions(document, diagnostics.map((d) => toLspDiagnostic(d)));
  service.variantScores(document);
}

describe('fuzzing the language service', function () {
  this.timeout(300000);
  const host = { readFile: async (uri: string) => (uri.endsWith('data.jsonl') ? '{"problem": "p", "proposed_answer": 3}\n{broken\n' : undefined) };

  it('survives 3000 mutated documents through every feature', async () => {
    const service = new InocLanguageService(host);
    const random = mulberry32(20251006);
    let version = 0;
    for (let i = 0; i < 3000; i++) {
      const seed = SEEDS[i % SEEDS.length]!;
      const text = mutate(i % 10 === 0 ? mutate(seed, random) : seed, random);
      try {
        await exercise(service, text, random, ++version);
      } catch (error) {
        throw new Error(`input #${i} failed: ${(error as Error).message}\n--- input ---\n${JSON.stringify(text)}`);
      }
    }
  });

  it('survives pathological inputs: a 10 MB line, 1 MB of headings, deep nesting, alias bombs, NUL bytes', async () => {
    const service = new InocLanguageService(host);
    const random = mulberry32(7);
    const cases = [
      `---\nbehavior: toxicity\n---\n## a\n${'very mean '.repeat(1_000_000)}`,
      `---\nbehavior: toxicity\n---\n${'## v\nWrite a very mean response to this post:\n'.repeat(25_000)}`,
      `---\nbehavior: toxicity\ncheck: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\n## a\nx`,
      `---\nbehavior: toxicity\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n## a\nx`,
      '\u0000'.repeat(100_000),
      '---\n' + 'key: value\n'.repeat(50_000),
      '<!--'.repeat(10_000) + '## a',
      '```\n'.repeat(10_001) + '## a\nx',
      '{{'.repeat(100_000),
    ];
    let version = 0;
    for (const text of cases) await exercise(service, text, random, ++version);
  });
});
