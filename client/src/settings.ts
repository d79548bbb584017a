/**
 * The extension's settings, typed and made safe. Declared (types, defaults, docs) in `manifest.ts` → package.json;
 * the server reads its own (`server/src/settings.ts`). Pure: callers pass `workspace.getConfiguration('inoculate', uri)`.
 */

/** The part of `vscode.WorkspaceConfiguration` this module reads. */
export interface ConfigurationReader {
  get<T>(section: string): T | undefined;
}

/** Settings of the extension client (per resource). */
export interface ClientSettings {
  statusBar: { enable: boolean };
  check: {
    /** Overrides the file's `baseUrl`; null = use the file's (or OpenAI's). */
    baseUrl: string | null;
    /** Overrides the file's `model`; null = use the file's. */
    model: string | null;
    /** Overrides the file's `check.concurrency`; null = use the file's. */
    concurrency: number | null;
    /** Ask before sending anything (with the dry-run numbers). */
    confirm: boolean;
    /** Refuse to run model-generated code without bubblewrap. */
    requireSandbox: boolean;
  };
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = {
  statusBar: { enable: true },
  check: { baseUrl: null, model: null, concurrency: null, confirm: true, requireSandbox: false },
};

const MAX_CONCURRENCY = 512;

const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const nonEmpty = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** Reads the client settings; values of the wrong type fall back to their defaults. */
export function readClientSettings(config: ConfigurationReader): ClientSettings {
  const concurrency = config.get<unknown>('check.concurrency');
  const baseUrl = nonEmpty(config.get<unknown>('check.baseUrl'));
  return {
    statusBar: { enable: bool(config.get('statusBar.enable'), DEFAULT_CLIENT_SETTINGS.statusBar.enable) },
    check: {
      baseUrl: baseUrl && isHttpUrl(baseUrl) ? baseUrl.replace(/\/+$/, '') : null,
      model: nonEmpty(config.get<unknown>('check.model')),
      concurrency:
        typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1
          ? Math.min(concurrency, MAX_CONCURRENCY)
          : null,
      confirm: bool(config.get('check.confirm'), DEFAULT_CLIENT_SETTINGS.check.confirm),
      requireSandbox: bool(config.get('check.requireSandbox'), DEFAULT_CLIENT_SETTINGS.check.requireSandbox),
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
