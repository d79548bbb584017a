/** Reads the latest evaluation summaries of workspace folders from disk (`<folder>/.inoculate/evals/* /summary.json`). */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { RESULTS_DIR_NAME } from '../check/layout';
import { nodeResultsFileSystem } from '../check/nodeFs';
import type { Provenance } from '../check/provenance';
import { evalSummaryOrigin, readEvalSummary } from '../eval/store';
import type { LocatedEvalSummary } from '../language/evalResults';
import { userProvenance } from './userKey';

/**
 * Every readable evaluation summary under the given workspace folder URIs (non-`file:` folders are skipped), each
 * with its origin (`here` when signed with this user's key). Links inside `.inoculate/` are not followed.
 */
export async function loadWorkspaceEvalSummaries(workspaceUris: string[], provenance?: Provenance): Promise<LocatedEvalSummary[]> {
  const signer = provenance ?? (await userProvenance({ create: false }).catch(() => undefined));
  const found: LocatedEvalSummary[] = [];
  for (const workspaceUri of workspaceUris) {
    const uri = URI.parse(workspaceUri);
    if (uri.scheme !== 'file') continue;
    const evals = join(uri.fsPath, RESULTS_DIR_NAME, 'evals');
    let entries: string[];
    try {
      entries = await readdir(evals);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const folder = join(evals, entry);
      if (!(await lstat(folder).then((stats) => stats.isDirectory(), () => false))) continue;
      const summary = await readEvalSummary(nodeResultsFileSystem, join(folder, 'summary.json')).catch(() => undefined);
      if (summary && Array.isArray(summary.arms)) found.push({ workspaceUri, summary, origin: evalSummaryOrigin(summary, signer) });
    }
  }
  return found;
}
