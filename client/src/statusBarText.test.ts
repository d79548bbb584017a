import assert from 'node:assert/strict';
import type { VariantScore } from '../../server/src/protocol';
import { statusBarContent } from './statusBarText';

const variant = (overrides: Partial<VariantScore>): VariantScore => ({
  name: 'test-specific',
  control: false,
  line: 3,
  predicted: 0.8125,
  strength: 'strong',
  explanation: [],
  ...overrides,
});

describe('statusBarContent', () => {
  it('is undefined outside any variant', () => {
    assert.equal(statusBarContent(null), undefined);
  });

  it('shows the predicted score with its strength and the reasons in the tooltip', () => {
    const content = statusBarContent(
      variant({
        explanation: [
          { id: 'explicit-request', label: 'requests the behaviour', effect: 0.3, spans: [] },
          { id: 'hedge', label: 'hedges ("might")', effect: -0.05, spans: [] },
        ],
      }),
    )!;
    assert.equal(content.text, '$(beaker) test-specific: 0.81 (strong)');
    assert.match(content.tooltip, /predicted elicitation strength 0\.81 \(strong\)/);
    assert.match(content.tooltip, /^- \+0\.30 requests the behaviour$/m);
    assert.match(content.tooltip, /^- −0\.05 hedges \("might"\)$/m);
    assert.equal(content.accessibilityLabel, 'Variant test-specific: predicted elicitation strength 0.81 (strong)');
  });

  it('marks controls and unscored variants', () => {
    assert.equal(statusBarContent(variant({ name: 'irrelevant', control: true, predicted: null }))!.text, '$(circle-outline) irrelevant: control');
    assert.equal(statusBarContent(variant({ predicted: null, strength: null }))!.text, '$(beaker) test-specific: no score');
    assert.equal(statusBarContent(variant({ name: '', predicted: null }))!.text, '$(beaker) (unnamed): no score');
  });

  it('escapes Markdown in variant names', () => {
    const content = statusBarContent(variant({ name: 'a*b_[x]' }))!;
    assert.match(content.tooltip, /\*\*a\\\*b\\_\\\[x\\\]\*\*/);
    // Autolinks and e-mail links too (the tooltip is Markdown): no clickable https:// from a file.
    assert.match(statusBarContent(variant({ name: 'see https://evil.example or a@b.c' }))!.tooltip, /https\\:\/\/evil\.example or a\\@b\.c/);
  });

  it('writes icon syntax from a variant name out literally in the status bar text', () => {
    // A name that would draw a check mark and a spinner: "$(check) all passed $(loading~spin)".
    const content = statusBarContent(variant({ name: '$(check) all passed $(loading~spin)', control: true, predicted: null }))!;
    assert.equal(content.text, '$(circle-outline) \\$(check) all passed \\$(loading~spin): control');
    assert.equal(statusBarContent(variant({ name: '\\$(x)' }))!.text, '$(beaker) \\$(x): 0.81 (strong)', 'an escape already there stays one escape');
    assert.equal(content.accessibilityLabel, 'Variant $(check) all passed $(loading~spin): control arm, not scored');
  });
});
