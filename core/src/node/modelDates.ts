/** Reads what training preflights cached about model dates in workspace folders (`<folder>/.inoculate/train/models.json`). */
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { RESULTS_DIR_NAME } from '../check/layout';
import { nodeResultsFileSystem } from '../check/nodeFs';
import { readModelDates, type ModelDatesCache } from '../train/modelDates';

/** The caches of every `file:` workspace folder, merged (the most recent check of a model wins). */
export async function loadWorkspaceModelDates(workspaceUris: string[]): Promise<ModelDatesCache> {
  const merged: ModelDatesCache = {};
  for (const workspaceUri of workspaceUris) {
    const uri = URI.parse(workspaceUri);
    if (uri.scheme !== 'file') continue;
    const cache = await readModelDates(nodeResultsFileSystem, join(uri.fsPath, RESULTS_DIR_NAME, 'train', 'models.json'));
    for (const [baseUrl, models] of Object.entries(cache)) {
      const into = (merged[baseUrl] ??= {});
      for (const [model, entry] of Object.entries(models)) {
        if (!into[model] || into[model]!.checkedAt < entry.checkedAt) into[model] = entry;
      }
    }
  }
  return merged;
}
