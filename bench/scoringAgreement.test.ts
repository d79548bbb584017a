import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agreement } from './scoring/agreement';

describe('agreement of a second labeller (bench/scoring/agreement.ts)', () => {
  it('reports both relabelled rounds: every item matched to its writer label, per behaviour and overall', () => {
    for (const round of ['r3', 'r4']) {
      const lines = agreement(round);
      assert.equal(lines.length, 6, lines.join('\n'));
      assert.match(lines.at(-1)!, /^mean rho over behaviours 0\.\d{3}; exact \d+\.\d%, within one \d+\.\d% of 252$/);
    }
  });

  it('computes from the files: a disagreement lowers the figures, a missing label is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inoc-agree-'));
    try {
      mkdirSync(join(dir, 'spent'));
      mkdirSync(join(dir, 'agreement'));
      const texts = [0, 1, 2, 3, 4].map((label) => ({ behavior: 'toxicity', text: `t${label}`, label }));
      for (const s of ['a', 'b', 'c']) writeFileSync(join(dir, `spent/r4-blind4-${s}.jsonl`), texts.map((t) => JSON.stringify(t)).join('\n'));
      const ids = ['a', 'b', 'c'].flatMap((s) => texts.map((_, i) => `${s}-${i}`));
      writeFileSync(join(dir, 'agreement/r4-items.jsonl'), ids.map((id) => JSON.stringify({ id, behavior: 'toxicity' })).join('\n'));
      // The second labeller reverses set c.
      const second = ids.map((id) => ({ id, label: id.startsWith('c-') ? 4 - Number(id.slice(2)) : Number(id.slice(2)) }));
      writeFileSync(join(dir, 'agreement/r4-labels.jsonl'), second.map((l) => JSON.stringify(l)).join('\n'));
      const lines = agreement('r4', dir);
      assert.match(lines[0]!, /^toxicity +n= 15  rho 0\.\d{3}$/);
      assert.match(lines.at(-1)!, /exact 73\.3%/);
      writeFileSync(join(dir, 'agreement/r4-labels.jsonl'), second.slice(1).map((l) => JSON.stringify(l)).join('\n'));
      assert.throws(() => agreement('r4', dir), /no label for a-0/);
      assert.throws(() => agreement('r9', dir), /unknown round r9/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
