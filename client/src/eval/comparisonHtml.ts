/**
 * The comparison view's page (host side), a pure function of its inputs like the results view's: the extension
 * builds it with the real webview URIs and a test can serve the very same page, so the CSP under test is the one VS
 * Code gets. The policy is the results view's (`resultsCsp`): nothing by default, styles from the extension only,
 * scripts only with the nonce. The charts arrive later as messages (SVG text parsed as SVG, never as HTML).
 */
import { resultsCsp } from '../results/html';

export interface ComparisonPageOptions {
  cspSource: string;
  /** `media/dist/comparison.js`. */
  scriptUri: string;
  /** `media/comparison.css`. */
  styleUri: string;
  nonce: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The complete HTML of the page. */
export function comparisonHtml(options: ComparisonPageOptions): string {
  const csp = resultsCsp(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(options.styleUri)}">
<title>Comparison of runs</title>
</head>
<body>
<main id="root" aria-busy="true"><p>Loading the evaluation…</p></main>
<div id="status" role="status" aria-live="polite"></div>
<script nonce="${attribute(options.nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>`;
}
