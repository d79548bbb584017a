/**
 * The LSP adapter: it looks documents up, guards against failures and delegates to the language service.
 * Nothing here knows the `.inoc` format. It serves any LSP client (VS Code, Neovim, Emacs/Eglot, Helix): what it
 * sends depends on what the client declared (snippets, dynamic registration, file watching, client-side commands).
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerCommands } from '../../core/src/language/commands';
import type { CompletionOptions } from '../../core/src/language/completion';
import type { CodeActionOptions } from '../../core/src/language/codeActions';
import type { LanguageServiceHost } from '../../core/src/language/host';
import { toLspDiagnostic } from '../../core/src/language/lspDiagnostic';
import type { MeasurementSource } from '../../core/src/language/measurements';
import type { ModelDatesCache } from '../../core/src/train/modelDates';
import type { EvalResultsSource } from '../../core/src/language/evalResults';
import type { TrainedRunsSource } from '../../core/src/language/trainedRuns';
import { InocLanguageService } from '../../core/src/language/service';
import {
  MeasurementsChangedNotification,
  RunsChangedNotification,
  VariantAtRequest,
  VariantScoresRequest,
  WorkspaceTrustNotification,
  type InitializationOptions,
} from './protocol';
import { DEFAULT_SETTINGS, normalizeSettings, type ServerSettings } from './settings';

const DOCS_URL = 'https://github.com/inoculate/inoculate/blob/main/docs/diagnostics.md';

/** Datasets (JSONL) and check results (`.inoculate/**.json[l]`): the files whose changes matter to open documents. */
const WATCHED_FILES = ['**/*.jsonl', '**/*.json'];

export interface ServerOptions {
  host: LanguageServiceHost;
  /** Builds the measurement source for the workspace (results of checks); reloaded on `inoculate/measurementsChanged`. */
  loadMeasurements?: (workspaceFolders: string[]) => Promise<MeasurementSource>;
  /** Reads what training preflights cached about model shutdown dates (`.inoculate/train/models.json`); reloaded with measurements. */
  loadModelDates?: (workspaceFolders: string[]) => Promise<ModelDatesCache>;
  /** Reads the training run records (`.inoculate/runs/<runId>/record.jsonl`) for the `trained: N runs` lenses; reloaded when they change. */
  loadTrainedRuns?: (workspaceFolders: string[]) => Promise<TrainedRunsSource>;
  /** Reads the latest evaluation summaries (`.inoculate/evals/<slug>/summary.json`) for the evaluation lenses; reloaded with measurements. */
  loadEvalResults?: (workspaceFolders: string[]) => Promise<EvalResultsSource>;
}

/** What the client declared it can do, read once from `initialize`. */
interface ClientFeatures {
  configuration: boolean;
  workspaceFolders: boolean;
  codeLensRefresh: boolean;
  configurationRegistration: boolean;
  watchedFilesRegistration: boolean;
  completion: CompletionOptions;
  codeActions: CodeActionOptions;
}

function clientFeatures(capabilities: ClientCapabilities, init: Partial<InitializationOptions>): ClientFeatures {
  const clientCommands = new Set(Array.isArray(init.clientCommands) ? init.clientCommands.filter((c): c is string => typeof c === 'string') : []);
  return {
    configuration: capabilities.workspace?.configuration === true,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    configurationRegistration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesRegistration: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    completion: { snippets: capabilities.textDocument?.completion?.completionItem?.snippetSupport === true, clientCommands },
    // A quick fix that creates a file needs both: documentChanges, and `create` among the resource operations.
    codeActions: {
      createFiles: capabilities.workspace?.workspaceEdit?.documentChanges === true && (capabilities.workspace.workspaceEdit.resourceOperations ?? []).includes('create'),
      clientCommands,
    },
  };
}

/** Wires the language service to `connection` and starts listening. */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const service = new InocLanguageService(options.host);
  const pending = new Map<string, { timer: NodeJS.Timeout; version: number }>();
  const settingsCache = new Map<string, Promise<ServerSettings>>();
  /** Set once `initialize` arrived: before it, requests get `ServerNotInitialized` and notifications are dropped. */
  let initialized = false;
  let client: ClientFeatures = clientFeatures({}, {});
  /** Settings a client without `workspace/configuration` pushed with `workspace/didChangeConfiguration`. */
  let pushedSettings: ServerSettings = DEFAULT_SETTINGS;
  let workspaceTrusted = false;
  let workspaceFolders: string[] = [];

  /** Runs a handler; a failure is logged and answered with `fallback`, never a crash. */
  const guard = async <T>(what: string, fallback: T, run: () => T | Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      connection.console.error(`inoculate: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };

  const notInitialized = () => new ResponseError(ErrorCodes.ServerNotInitialized, 'The server has not received the initialize request yet.');

  /** A request handler that answers `ServerNotInitialized` (-32002) before `initialize`, as the protocol requires. */
  const ready =
    <P, R>(handler: (params: P, token: CancellationToken) => R | Promise<R>) =>
    (params: P, token: CancellationToken): R | Promise<R> | ResponseError<void> =>
      initialized ? handler(params, token) : notInitialized();

  const applyWorkspaceAccess = () => service.setWorkspaceAccess({ trusted: workspaceTrusted, folders: workspaceFolders });

  const settingsFor = (uri: string): Promise<ServerSettings> => {
    if (!client.configuration) return Promise.resolve(pushedSettings);
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = connection.workspace.getConfiguration({ scopeUri: uri, section: 'inoculate' }).then(normalizeSettings, () => DEFAULT_SETTINGS);
      settingsCache.set(uri, settings);
    }
    return settings;
  };

  const validate = async (document: TextDocument): Promise<void> => {
    const version = document.version;
    const settings = await settingsFor(document.uri);
    const stale = { get isCancellationRequested() { return documents.get(document.uri)?.version !== version; } };
    const diagnostics = settings.diagnostics.enable
      ? await guard('diagnostics', [], () => service.diagnostics(document, { severityOverrides: settings.diagnostics.severity }, stale))
      : [];
    // A newer version is on its way: its own validation will publish.
    if (stale.isCancellationRequested) return;
    await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: diagnostics.map((d) => toLspDiagnostic(d, DOCS_URL)) });
  };

  const scheduleValidation = async (document: TextDocument, immediate = false): Promise<void> => {
    const previous = pending.get(document.uri);
    if (previous) clearTimeout(previous.timer);
    const delay = immediate ? 0 : (await settingsFor(document.uri)).diagnostics.debounce;
    const timer = setTimeout(() => {
      pending.delete(document.uri);
      void validate(document);
    }, delay);
    pending.set(document.uri, { timer, version: document.version });
  };

  const revalidateAll = () => {
    for (const document of documents.all()) void scheduleValidation(document, true);
  };

  const refreshCodeLenses = () => {
    if (client.codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  };

  // Hovers and lenses wait for the (re)load in flight, so the first ones after start-up already show results.
  let measurementsLoaded: Promise<void> = Promise.resolve();
  let lastModelDates = '{}';
  const reloadMeasurements = () => {
    if (!options.loadMeasurements) return measurementsLoaded;
    measurementsLoaded = (async () => {
      const source = await guard('loading check results', undefined, () => options.loadMeasurements!(workspaceFolders));
      if (source) service.setMeasurements(source);
      const evals = options.loadEvalResults && (await guard('loading evaluation results', undefined, () => options.loadEvalResults!(workspaceFolders)));
      if (evals) service.setEvalResults(evals);
      const dates = options.loadModelDates && (await guard('loading model dates', undefined, () => options.loadModelDates!(workspaceFolders)));
      if (dates && JSON.stringify(dates) !== lastModelDates) {
        lastModelDates = JSON.stringify(dates);
        service.setModelDates(dates);
        revalidateAll();
      }
      refreshCodeLenses();
    })();
    return measurementsLoaded;
  };

  // Run records change at every status poll of a followed job: one reload at a time, and one more after it if any
  // change arrived meanwhile (never a queue of reloads).
  let runsLoaded: Promise<void> = Promise.resolve();
  let runsReloading = false;
  let runsAgain = false;
  const reloadTrainedRuns = (): Promise<void> => {
    if (!options.loadTrainedRuns) return runsLoaded;
    if (runsReloading) {
      runsAgain = true;
      return runsLoaded;
    }
    runsReloading = true;
    runsLoaded = (async () => {
      do {
        runsAgain = false;
        const source = await guard('loading training runs', undefined, () => options.loadTrainedRuns!(workspaceFolders));
        if (source) service.setTrainedRuns(source);
      } while (runsAgain);
      runsReloading = false;
      refreshCodeLenses();
    })();
    return runsLoaded;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions && typeof params.initializationOptions === 'object' ? params.initializationOptions : {}) as Partial<InitializationOptions>;
    client = clientFeatures(params.capabilities ?? {}, init);
    // Other editors have no workspace trust: they are untrusted unless their configuration says otherwise.
    workspaceTrusted = init.workspaceTrusted === true;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    applyWorkspaceAccess();
    initialized = true;
    return {
      capabilities: {
        // Saves matter: a client that cannot watch files re-checks datasets when the .inoc file is saved.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        // `(` only for `(control)`, which is never offered before its `(` is typed (Enter must not accept it).
        completionProvider: { triggerCharacters: [':', ' ', '#', '{', '-', '('], resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: Object.values(ServerCommands) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'inoculate-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    // Only clients that offered dynamic registration are asked (Eglot, for one, does not and warns otherwise).
    // Without a `section`, VS Code sends no notification right after registering: the first diagnostics are
    // published once, with the settings read once; later changes are compared before anything is re-checked.
    if (client.configurationRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: undefined }).catch(() => undefined);
    }
    if (client.watchedFilesRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILES.map((globPattern) => ({ globPattern })) })
        .catch(() => undefined);
    }
    // Only a client that announced workspace folders may be asked for their changes (the getter throws otherwise).
    if (client.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => f.uri));
        workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...event.added.map((f) => f.uri)];
        applyWorkspaceAccess();
        revalidateAll();
        void reloadMeasurements();
        void reloadTrainedRuns();
      });
    }
    void reloadMeasurements();
    void reloadTrainedRuns();
  });

  connection.onDidChangeConfiguration(async (params) => {
    if (!initialized) return;
    if (!client.configuration) {
      // A client that cannot be asked pushes its settings (e.g. Neovim's `settings = { inoculate = {...} }`).
      const pushed = params?.settings && typeof params.settings === 'object' ? (params.settings as Record<string, unknown>).inoculate : undefined;
      const next = normalizeSettings(pushed);
      if (JSON.stringify(next) === JSON.stringify(pushedSettings)) return;
      pushedSettings = next;
      revalidateAll();
      refreshCodeLenses();
      return;
    }
    // Re-read the settings of the documents that have some, and re-check only those whose settings changed: VS Code
    // notifies about every configuration change, most of them someone else's.
    const previous = new Map(settingsCache);
    settingsCache.clear();
    let lensesChanged = false;
    await Promise.all(
      documents.all().map(async (document) => {
        const before = previous.get(document.uri);
        if (!before) return; // never read: its first validation reads the new settings
        const [old, now] = await Promise.all([before, settingsFor(document.uri)]);
        if (JSON.stringify(old) === JSON.stringify(now)) return;
        if (old.codeLens.enable !== now.codeLens.enable) lensesChanged = true;
        void scheduleValidation(document, true);
      }),
    );
    if (lensesChanged) refreshCodeLenses();
  });

  connection.onDidChangeWatchedFiles((params) => {
    if (!initialized) return;
    // Check results (written by the editor or the CLI) change measurements; anything else may be a dataset.
    const results = params.changes.filter((change) => /\/\.inoculate\//.test(change.uri));
    const others = params.changes.filter((change) => !results.includes(change));
    for (const change of others) service.fileChanged(change.uri);
    const runs = results.filter((change) => /\/\.inoculate\/runs\//.test(change.uri));
    if (runs.length) void reloadTrainedRuns();
    if (results.length > runs.length) void reloadMeasurements();
    if (others.length) revalidateAll();
  });

  // Document notifications before `initialize` are dropped, as the protocol requires.
  const whenInitialized =
    <P>(handler: (params: P) => void) =>
    (params: P) => {
      if (initialized) handler(params);
    };
  const documentNotifications: Parameters<TextDocuments<TextDocument>['listen']>[0] = {
    onDidOpenTextDocument: (handler) => connection.onDidOpenTextDocument(whenInitialized(handler)),
    onDidChangeTextDocument: (handler) => connection.onDidChangeTextDocument(whenInitialized(handler)),
    onDidCloseTextDocument: (handler) => connection.onDidCloseTextDocument(whenInitialized(handler)),
    onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument(whenInitialized(handler)),
    onWillSaveTextDocumentWaitUntil: (handler) =>
      connection.onWillSaveTextDocumentWaitUntil((params, token) => (initialized ? handler(params, token) : (notInitialized() as unknown as ReturnType<typeof handler>))),
    onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument(whenInitialized(handler)),
  };

  // Opening fires both `onDidOpen` and `onDidChangeContent`: validate once, right away.
  documents.onDidOpen((event) => void scheduleValidation(event.document, true));
  documents.onDidChangeContent((event) => {
    if (pending.get(event.document.uri)?.version === event.document.version) return;
    void scheduleValidation(event.document);
  });
  // A save re-checks at once: datasets created or edited meanwhile count (clients without file watching).
  documents.onDidSave((event) => void scheduleValidation(event.document, true));
  documents.onDidClose((event) => {
    const previous = pending.get(event.document.uri);
    if (previous) clearTimeout(previous.timer);
    pending.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    service.documentClosed(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  const withDocument = <T>(uri: string, fallback: T, what: string, run: (document: TextDocument) => T | Promise<T>, token?: CancellationToken): Promise<T> => {
    const document = documents.get(uri);
    if (!document || token?.isCancellationRequested) return Promise.resolve(fallback);
    return guard(what, fallback, () => run(document));
  };

  connection.onHover(
    ready((params, token) => withDocument(params.textDocument.uri, null, 'hover', async (d) => (await measurementsLoaded, service.hover(d, params.position)), token)),
  );
  connection.onCompletion(
    ready((params, token) =>
      withDocument(params.textDocument.uri, { isIncomplete: false, items: [] }, 'completion', (d) => service.completions(d, params.position, client.completion), token),
    ),
  );
  connection.onDocumentSymbol(ready((params, token) => withDocument(params.textDocument.uri, [], 'document symbols', (d) => service.documentSymbols(d), token)));
  connection.onFoldingRanges(ready((params, token) => withDocument(params.textDocument.uri, [], 'folding', (d) => service.foldingRanges(d), token)));
  connection.onCodeLens(
    ready((params, token) =>
      withDocument(
        params.textDocument.uri,
        [],
        'code lens',
        async (d) => {
          await Promise.all([measurementsLoaded, runsLoaded]);
          return (await settingsFor(d.uri)).codeLens.enable ? service.codeLenses(d, { checks: workspaceTrusted, clientCommands: client.completion.clientCommands }) : [];
        },
        token,
      ),
    ),
  );
  connection.onCodeAction(
    ready((params, token) => withDocument(params.textDocument.uri, [], 'code actions', (d) => service.codeActions(d, params.context.diagnostics, client.codeActions), token)),
  );
  connection.onExecuteCommand(
    ready(async (params) => {
      if (params.command !== ServerCommands.explainScore) return new ResponseError(ErrorCodes.InvalidParams, `Unknown command ${params.command}`);
      const [uri, line] = params.arguments ?? [];
      if (typeof uri !== 'string' || typeof line !== 'number') return new ResponseError(ErrorCodes.InvalidParams, `${params.command} takes [uri, line]`);
      const text = await withDocument(uri, undefined, 'explain score', async (d) => (await measurementsLoaded, service.explainVariant(d, line)));
      // A notification, not `showInformationMessage` (a request some clients do not answer).
      if (text) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: text });
      return null;
    }),
  );
  connection.onRequest(
    VariantAtRequest,
    ready((params, token) => withDocument(params.textDocument.uri, null, 'variant at cursor', (d) => service.variantAt(d, params.position) ?? null, token)),
  );
  connection.onRequest(
    VariantScoresRequest,
    ready((params, token) => withDocument(params.textDocument.uri, [], 'variant scores', (d) => service.variantScores(d), token)),
  );
  connection.onShutdown(() => (initialized ? undefined : notInitialized()));
  // Any other request: before `initialize` the protocol's error, after it the usual "method not found".
  connection.onRequest((method) =>
    initialized ? new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`) : notInitialized(),
  );
  connection.onNotification(MeasurementsChangedNotification, whenInitialized(() => void reloadMeasurements()));
  connection.onNotification(RunsChangedNotification, whenInitialized(() => void reloadTrainedRuns()));
  connection.onNotification(
    WorkspaceTrustNotification,
    whenInitialized((params) => {
      const trusted = params?.trusted === true;
      if (trusted === workspaceTrusted) return;
      workspaceTrusted = trusted;
      // Trust changes what may be read (datasets outside the workspace) and offered ("▶ Check").
      applyWorkspaceAccess();
      revalidateAll();
      refreshCodeLenses();
    }),
  );

  documents.listen(documentNotifications);
  connection.listen();
}
