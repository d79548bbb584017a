/**
 * Two colour themes for the results view's browser test, as VS Code would set them on the webview (one value per
 * `--vscode-*` variable the stylesheet uses). Every colour is different from every other, in and across the two
 * themes, so a computed colour tells which variable it came from, and a colour that matches none was hard-coded.
 */

/** The theme variables of a dark theme (values close to VS Code's Dark Modern). */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '14px',
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-button-secondaryForeground': '#d0d0d0',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-button-border': '#2b2b2b',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-dropdown-foreground': '#cbcbcb',
  '--vscode-dropdown-background': '#313132',
  '--vscode-dropdown-border': '#3c3c3d',
  '--vscode-panel-border': '#2b2b2c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-foreground': '#cccccf',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-textCodeBlock-background': '#2b2b2d',
};

/** The theme variables of a light theme (values close to VS Code's Light Modern). */
export const LIGHT_THEME: Record<string, string> = {
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '14px',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-button-secondaryForeground': '#3b3b3c',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryHoverBackground': '#cccccb',
  '--vscode-button-border': '#0000001a',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-dropdown-foreground': '#3b3b3d',
  '--vscode-dropdown-background': '#fefefe',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-panel-border': '#e5e5e6',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-green': '#388a34',
  '--vscode-textCodeBlock-background': '#f8f8f8',
};

/** The `--vscode-*` variables a stylesheet uses. */
export function themeVariablesUsed(css: string): string[] {
  return [...new Set([...css.matchAll(/var\(\s*(--vscode-[\w.-]+)/g)].map((m) => m[1]!))].sort();
}

/** A `#rrggbb` or `#rrggbbaa` colour as the browser computes it (`rgb(r, g, b)` or `rgba(r, g, b, a)`). */
export function computedColour(hex: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb(aa) colour: ${hex}`);
  const [r, g, b] = [match[1]!, match[2]!, match[3]!].map((h) => parseInt(h, 16));
  if (match[4] === undefined) return `rgb(${r}, ${g}, ${b})`;
  // Chromium keeps the alpha as a byte and prints the shortest of 2 or 3 decimals that gives the byte back
  // (0x1a = 26 → 0.1, since round(0.1 × 255) = 26).
  const byte = parseInt(match[4], 16);
  const twoDecimals = Math.round((byte / 255) * 100) / 100;
  const alpha = Math.round(twoDecimals * 255) === byte ? twoDecimals : Math.round((byte / 255) * 1000) / 1000;
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The colours of a theme as computed colours, each with the variable it came from. */
export function paletteOf(theme: Record<string, string>): Map<string, string> {
  const palette = new Map<string, string>();
  for (const [name, value] of Object.entries(theme)) if (value.startsWith('#')) palette.set(computedColour(value), name);
  return palette;
}
