/**
 * The loss-curve webview's page (host side), a pure function of its inputs like the results view's: the extension
 * builds it with the real webview URIs and the browser test serves the very same page, so the CSP and landmarks under
 * test are the ones VS Code gets. The policy is the results view's (`resultsCsp`): nothing by default, styles from
 * the extension only, scripts only with the nonce.
 */
import { resultsCsp } from '../results/html';

export interface LossCurvePageOptions {
  cspSource: string;
  /** `media/dist/lossCurve.js`. */
  scriptUri: string;
  /** `media/lossCurve.css`. */
  styleUri: string;
  nonce: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The complete HTML of the page. */
export function lossCurveHtml(options: LossCurvePageOptions): string {
  const csp = resultsCsp(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(options.styleUri)}">
<title>Loss curve</title>
</head>
<body>
<main id="root" aria-busy="true"><p>Loading the loss curve…</p></main>
<div id="status" role="status" aria-live="polite"></div>
<script nonce="${attribute(options.nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>`;
}
