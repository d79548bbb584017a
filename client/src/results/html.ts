/**
 * The results webview's page (host side), as a pure function of its inputs: the extension builds it with the real
 * webview URIs, and the browser test (`test/webview/`) serves the very same page with its own origin, so the CSP,
 * nonce and landmarks under test are exactly the ones VS Code gets.
 */

/** What the page needs from the host. */
export interface ResultsPageOptions {
  /** The webview's `cspSource` (the origin its local resources are served from). */
  cspSource: string;
  /** URL of the bundled script (`media/dist/results.js`). */
  scriptUri: string;
  /** URL of the stylesheet (`media/results.css`). */
  styleUri: string;
  /** A fresh random nonce per page: the only script allowed to run carries it. */
  nonce: string;
}

/**
 * The page's Content Security Policy: nothing by default, styles only from the extension (no inline styles), scripts
 * only with the nonce (no inline handlers, no eval), images only from the extension or data URLs.
 */
export function resultsCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'; img-src ${cspSource} data:`;
}

/** Escapes text for a double-quoted HTML attribute (URIs may hold `&`; a nonce is base64 and may hold `+/=`). */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The complete HTML of the results page. */
export function resultsHtml(options: ResultsPageOptions): string {
  const csp = resultsCsp(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(options.styleUri)}">
<title>Check results</title>
</head>
<body>
<main id="root" aria-busy="true"><p>Loading the check results…</p></main>
<div id="status" role="status" aria-live="polite"></div>
<script nonce="${attribute(options.nonce)}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>`;
}
