/** Reads the training run records of workspace folders from disk (`<folder>/.inoculate/runs/<runId>/record.jsonl`). */
import { URI } from 'vscode-uri';
import type { LocatedRun } from '../language/trainedRuns';
import { trainPaths } from '../train/layout';
import { nodeTrainFileSystem } from '../train/nodeTrainFs';
import { listRuns } from '../train/runStore';

/** Every readable run under the given workspace folder URIs (non-`file:` folders are skipped). */
export async function loadWorkspaceRuns(workspaceUris: string[]): Promise<LocatedRun[]> {
  const found: LocatedRun[] = [];
  for (const workspaceUri of workspaceUris) {
    const uri = URI.parse(workspaceUri);
    if (uri.scheme !== 'file') continue;
    const runs = await listRuns(nodeTrainFileSystem, trainPaths(uri.fsPath)).catch(() => []);
    for (const run of runs) found.push({ workspaceUri, run });
  }
  return found;
}
