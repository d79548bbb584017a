/** Entry point of the language server: `node dist/server.js --stdio` (or `--node-ipc`, `--socket=N`). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeHost } from '../../core/src/node/fileHost';
import { startServer } from './server';

// The transport comes from the command line (--stdio, --node-ipc, --socket=N, --pipe=NAME).
const connection = createConnection(ProposedFeatures.all);
startServer(connection, { host: nodeHost });
