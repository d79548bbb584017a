/** Reads the latest check summaries of workspace folders from disk (`<folder>/.inoculate/checks/* /summary.json`). */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { RESULTS_DIR_NAME } from '../check/layout';
import { nodeResultsFileSystem } from '../check/nodeFs';
import { summaryOrigin, type Provenance } from '../check/provenance';
import { readSummary } from '../check/store';
import type { LocatedSummary } from '../language/measurementSource';
import { userProvenance } from './userKey';

/**
 * Every readable summary under the given workspace folder URIs (non-`file:` folders are skipped), each with its
 * origin: `here` when signed with this user's key, `elsewhere` otherwise (e.g. committed to the repository). No key
 * is made here: without one, everything found counts as elsewhere. Links inside `.inoculate/` are not followed.
 */
export async function loadWorkspaceSummaries(workspaceUris: string[], provenance?: Provenance): Promise<LocatedSummary[]> {
  const signer = provenance ?? (await userProvenance({ create: false }).catch(() => undefined));
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
      const folder = join(checks, entry);
      if (!(await lstat(folder).then((stats) => stats.isDirectory(), () => false))) continue;
      const summary = await readSummary(nodeResultsFileSystem, join(folder, 'summary.json')).catch(() => undefined);
      if (summary) found.push({ workspaceUri, summary, origin: summaryOrigin(summary, signer) });
    }
  }
  return found;
}
