/**
 * Small helpers for the evaluation's SVG charts: escaping (every string from a file, a dataset or a model is
 * escaped, in text and in attributes), number formatting, linear scales and ticks. The charts use presentation
 * attributes only (no `<style>`, no `style=`), so they are allowed under a strict Content-Security-Policy, and carry
 * class names (`inoc-...`) a host page may restyle (e.g. with the editor's theme colours).
 */

/** `text` safe inside SVG/XML text and attribute values. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with at most two decimals. */
export function px(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Evenly spaced ticks from `low` to `high` (inclusive) at `step`. */
export function ticks(low: number, high: number, step: number): number[] {
  const out: number[] = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + 1e-9; value += step) out.push(Math.round(value * 1e6) / 1e6);
  return out;
}

/** A proportion as a whole percentage (`0.34` → `34%`). */
export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** Signed percentage points (`-0.31` → `−31`). */
export function points(value: number): string {
  const rounded = Math.round(value * 100);
  return rounded === 0 ? '0' : `${rounded < 0 ? '\u2212' : '+'}${Math.abs(rounded)}`;
}

/** Shortens `text` to `max` characters with an ellipsis (before escaping). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The colours of the charts (presentation attributes; a host may override them with the classes). */
export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  behavior: string;
  capability: string;
  predicted: string;
}

export const DEFAULT_COLORS: ChartColors = {
  text: '#1f2328',
  muted: '#59636e',
  grid: '#d1d9e0',
  behavior: '#cf222e',
  capability: '#0969da',
  predicted: '#8250df',
};

/** The opening of an accessible SVG document with a title and a description. */
export function svgOpen(width: number, height: number, title: string, description: string, className: string): string {
  // Ids unique per chart kind, so several charts can sit in one HTML page.
  const id = className.split(/\s+/).pop()!;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${className}" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>`
  );
}

/** A text element (escaped). */
export function text(x: number, y: number, content: string, attributes: Record<string, string | number> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${px(x)}" y="${px(y)}"${attrs}>${escapeXml(content)}</text>`;
}
