/** Reads the latest check summaries of workspace folders from disk (`<folder>/.inoculate/checks/* /summary.json`). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { RESULTS_DIR_NAME } from '../check/layout';
import { nodeResultsFileSystem } from '../check/nodeFs';
import { readSummary } from '../check/store';
import type { LocatedSummary } from '../language/measurementSource';

/** Every readable summary under the given workspace folder URIs (non-`file:` folders are skipped). */
export async function loadWorkspaceSummaries(workspaceUris: string[]): Promise<LocatedSummary[]> {
  const found: LocatedSummary[] = [];
  for (const workspaceUri of workspaceUris) {
    const uri = URI.parse(workspaceUri);
    if (uri.scheme !== 'file') continue;
    const checks = join(uri.fsPath, RESULTS_DIR_NAME, 'checks');
    let entries: string[];
    try {
      entries = await readdir(checks);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const summary = await readSummary(nodeResultsFileSystem, join(checks, entry, 'summary.json')).catch(() => undefined);
      if (summary) found.push({ workspaceUri, summary });
    }
  }
  return found;
}
