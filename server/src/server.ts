/**
 * The LSP adapter: it looks documents up, guards against failures and delegates to the language service.
 * Nothing here knows the `.inoc` format.
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageServiceHost } from '../../core/src/language/host';
import { toLspDiagnostic } from '../../core/src/language/lspDiagnostic';
import type { MeasurementSource } from '../../core/src/language/measurements';
import type { ModelDatesCache } from '../../core/src/train/modelDates';
import { InocLanguageService } from '../../core/src/language/service';
import {
  MeasurementsChangedNotification,
  VariantAtRequest,
  VariantScoresRequest,
  WorkspaceTrustNotification,
  type InitializationOptions,
} from './protocol';
import { DEFAULT_SETTINGS, normalizeSettings, type ServerSettings } from './settings';

const DOCS_URL = 'https://github.com/inoculate/inoculate/blob/main/docs/diagnostics.md';

export interface ServerOptions {
  host: LanguageServiceHost;
  /** Builds the measurement source for the workspace (results of checks); reloaded on `inoculate/measurementsChanged`. */
  loadMeasurements?: (workspaceFolders: string[]) => Promise<MeasurementSource>;
  /** Reads what training preflights cached about model shutdown dates (`.inoculate/train/models.json`); reloaded with measurements. */
  loadModelDates?: (workspaceFolders: string[]) => Promise<ModelDatesCache>;
}

/** Wires the language service to `connection` and starts listening. */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const service = new InocLanguageService(options.host);
  const pending = new Map<string, { timer: NodeJS.Timeout; version: number }>();
  const settingsCache = new Map<string, Promise<ServerSettings>>();
  let supportsConfiguration = false;
  let supportsWorkspaceFolders = false;
  let supportsCodeLensRefresh = false;
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

  const settingsFor = (uri: string): Promise<ServerSettings> => {
    if (!supportsConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
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
    if (supportsCodeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  };

  // Hovers and lenses wait for the (re)load in flight, so the first ones after start-up already show results.
  let measurementsLoaded: Promise<void> = Promise.resolve();
  let lastModelDates = '{}';
  const reloadMeasurements = () => {
    if (!options.loadMeasurements) return measurementsLoaded;
    measurementsLoaded = (async () => {
      const source = await guard('loading check results', undefined, () => options.loadMeasurements!(workspaceFolders));
      if (source) service.setMeasurements(source);
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

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    supportsConfiguration = !!capabilities.workspace?.configuration;
    supportsWorkspaceFolders = !!capabilities.workspace?.workspaceFolders;
    supportsCodeLensRefresh = !!capabilities.workspace?.codeLens?.refreshSupport;
    const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    workspaceTrusted = init.workspaceTrusted === true;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '#', '{', '-'], resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'inoculate-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'inoculate' }).catch(() => undefined);
    // Only a client that announced workspace folders may be asked for their changes (the getter throws otherwise).
    if (supportsWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => f.uri));
        workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...event.added.map((f) => f.uri)];
        void reloadMeasurements();
      });
    }
    void reloadMeasurements();
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    revalidateAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    // Check results (written by the editor or the CLI) change measurements; anything else may be a dataset.
    const results = params.changes.filter((change) => /\/\.inoculate\//.test(change.uri));
    const others = params.changes.filter((change) => !results.includes(change));
    for (const change of others) service.fileChanged(change.uri);
    if (results.length) void reloadMeasurements();
    if (others.length) revalidateAll();
  });


  documents.onDidOpen((event) => void scheduleValidation(event.document, true));
  documents.onDidChangeContent((event) => void scheduleValidation(event.document));
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

  connection.onHover((params, token) =>
    withDocument(params.textDocument.uri, null, 'hover', async (d) => (await measurementsLoaded, service.hover(d, params.position)), token),
  );
  connection.onCompletion((params, token) =>
    withDocument(params.textDocument.uri, { isIncomplete: false, items: [] }, 'completion', (d) => service.completions(d, params.position), token),
  );
  connection.onDocumentSymbol((params, token) => withDocument(params.textDocument.uri, [], 'document symbols', (d) => service.documentSymbols(d), token));
  connection.onFoldingRanges((params, token) => withDocument(params.textDocument.uri, [], 'folding', (d) => service.foldingRanges(d), token));
  connection.onCodeLens((params, token) =>
    withDocument(
      params.textDocument.uri,
      [],
      'code lens',
      async (d) => {
        await measurementsLoaded;
        return (await settingsFor(d.uri)).codeLens.enable ? service.codeLenses(d, { checks: workspaceTrusted }) : [];
      },
      token,
    ),
  );
  connection.onCodeAction((params, token) =>
    withDocument(params.textDocument.uri, [], 'code actions', (d) => service.codeActions(d, params.context.diagnostics), token),
  );
  connection.onRequest(VariantAtRequest, (params, token) =>
    withDocument(params.textDocument.uri, null, 'variant at cursor', (d) => service.variantAt(d, params.position) ?? null, token),
  );
  connection.onRequest(VariantScoresRequest, (params, token) =>
    withDocument(params.textDocument.uri, [], 'variant scores', (d) => service.variantScores(d), token),
  );
  connection.onNotification(MeasurementsChangedNotification, () => void reloadMeasurements());
  connection.onNotification(WorkspaceTrustNotification, (params) => {
    workspaceTrusted = params.trusted;
    refreshCodeLenses();
  });

  documents.listen(connection);
  connection.listen();
}
