/** Entry point of the language server: `node dist/server.js --stdio` (or `--node-ipc`, `--socket=N`). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { evalResultsSourceFrom } from '../../core/src/language/evalResults';
import { measurementSourceFrom } from '../../core/src/language/measurementSource';
import { loadWorkspaceEvalSummaries } from '../../core/src/node/evals';
import { nodeFileInfo } from '../../core/src/node/fileInfo';
import { nodeHost } from '../../core/src/node/fileHost';
import { loadWorkspaceModelDates } from '../../core/src/node/modelDates';
import { loadWorkspaceRuns } from '../../core/src/node/runs';
import { trainedRunsSourceFrom } from '../../core/src/language/trainedRuns';
import { loadWorkspaceSummaries } from '../../core/src/node/summaries';
import { startServer } from './server';

// The transport comes from the command line (--stdio, --node-ipc, --socket=N, --pipe=NAME).
const connection = createConnection(ProposedFeatures.all);
startServer(connection, {
  // Links resolved and change stamps: datasets in untrusted workspaces, re-checks where the client cannot watch files.
  host: { ...nodeHost, ...nodeFileInfo },
  loadMeasurements: async (workspaceFolders) => measurementSourceFrom(await loadWorkspaceSummaries(workspaceFolders)),
  loadModelDates: loadWorkspaceModelDates,
  loadTrainedRuns: async (workspaceFolders) => trainedRunsSourceFrom(await loadWorkspaceRuns(workspaceFolders)),
  loadEvalResults: async (workspaceFolders) => evalResultsSourceFrom(await loadWorkspaceEvalSummaries(workspaceFolders)),
});
