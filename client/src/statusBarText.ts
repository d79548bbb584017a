/** What the status bar item says about the variant under the cursor (pure, so it is unit-tested without VS Code). */
import { escapeMarkdown } from '../../core/src/language/markdown';
import type { VariantScore } from '../../server/src/protocol';

/** The item's content; `tooltip` is Markdown. */
export interface StatusBarContent {
  text: string;
  tooltip: string;
  /** Read by screen readers instead of the icon syntax. */
  accessibilityLabel: string;
}

const sign = (effect: number) => (effect >= 0 ? `+${effect.toFixed(2)}` : `−${Math.abs(effect).toFixed(2)}`);

/** The content for `variant` (null: the cursor is in no variant). */
export function statusBarContent(variant: VariantScore | null): StatusBarContent | undefined {
  if (!variant) return undefined;
  const label = variant.name || '(unnamed)';
  // The name comes from the file: in the item's text, `$(icon)` would draw an icon (a fake "$(check) passed"), so
  // it is escaped as VS Code reads it (`\$(`); in the tooltip, Markdown is escaped like every hover.
  const name = iconsEscaped(label);
  if (variant.control) {
    return {
      text: `$(circle-outline) ${name}: control`,
      tooltip: `**${escapeMarkdown(label)}** is a control arm: it is not scored. Click for details.`,
      accessibilityLabel: `Variant ${label}: control arm, not scored`,
    };
  }
  if (variant.predicted === null) {
    return {
      text: `$(beaker) ${name}: no score`,
      tooltip: `**${escapeMarkdown(label)}** has no predicted score (empty, or the file sets no \`behavior\`). Click for details.`,
      accessibilityLabel: `Variant ${label}: no predicted score`,
    };
  }
  const score = variant.predicted.toFixed(2);
  const strength = variant.strength ? ` (${variant.strength})` : '';
  const reasons = variant.explanation
    .slice(0, 6)
    .map((factor) => `- ${sign(factor.effect)} ${escapeMarkdown(factor.label, false)}`)
    .join('\n');
  return {
    text: `$(beaker) ${name}: ${score}${strength}`,
    tooltip:
      `**${escapeMarkdown(label)}**: predicted elicitation strength ${score}${escapeMarkdown(strength, false)}\n\n` +
      (reasons ? `${reasons}\n\n` : '') +
      'Click to explain the score.',
    accessibilityLabel: `Variant ${label}: predicted elicitation strength ${score}${strength}`,
  };
}

/** `$(name)` icon syntax written out literally (VS Code's status bar reads `\$(` as the characters). */
function iconsEscaped(text: string): string {
  return text.replace(/\\?\$\(/g, '\\$(');
}
