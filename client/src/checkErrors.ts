/**
 * Check errors as the editor says them. The engine's messages are written for the terminal (`--base-url`,
 * `--concurrency`, environment variables); in the editor the same facts point at the editor's settings or the file,
 * name where the endpoint came from, say what a refused connection is (probed, not "fetch failed"), and come with the
 * actions that fix them. A notification shows one short paragraph; the whole story goes to the Output channel. Pure.
 */

/** Where the endpoint of a check came from. */
export type EndpointSource = 'user-setting' | 'workspace-setting' | 'file' | 'environment' | 'default';

/** Buttons a check error offers. */
export type CheckErrorAction = 'Open Settings' | 'Show Output' | 'Set API Key' | 'Open File';

/** A check error for the editor: the notification's text, its buttons, and what "Open Settings" should show. */
export interface EditorCheckError {
  message: string;
  actions: CheckErrorAction[];
  /** The settings query for "Open Settings" (e.g. `inoculate.check.baseUrl`). */
  setting?: string;
  /** The endpoint the error concerns (for "Set API Key"). */
  endpoint?: string;
}

/** What the editor knows about the check that failed. */
export interface CheckErrorContext {
  /** The sampled endpoint (a base URL), or `VS Code language models`. */
  endpoint: string;
  source: EndpointSource;
  model: string;
  /** Where the model came from. */
  modelSource: 'setting' | 'file';
  /** What a probe of the endpoint found (e.g. `connection refused: nothing listens on 127.0.0.1:8000`). */
  reachability?: string;
  /** Which key was sent to the endpoint the error concerns. */
  key?: 'stored' | 'shared' | 'none';
}

/** The error as the engine reports it (a `ProviderError` or any other). */
export interface CheckErrorFacts {
  kind?: string;
  message: string;
}

/** Where the endpoint came from, in words that say where to change it. */
export function endpointSourceText(source: EndpointSource): string {
  switch (source) {
    case 'user-setting':
      return 'your setting inoculate.check.baseUrl';
    case 'workspace-setting':
      return "this workspace's setting inoculate.check.baseUrl (.vscode/settings.json)";
    case 'file':
      return "the file's `baseUrl:`";
    case 'environment':
      return 'the OPENAI_BASE_URL environment variable';
    case 'default':
      return "the default (OpenAI's API), since neither the setting inoculate.check.baseUrl nor the file's `baseUrl:` names one";
  }
}

/** The terminal's hints in the engine's messages, and what the editor says instead. */
const EDITOR_WORDING: Array<[RegExp, string]> = [
  [/\s*\(--base-url, `baseUrl:`, OPENAI_BASE_URL\)/g, ' (the setting inoculate.check.baseUrl, or the file’s `baseUrl:`)'],
  [/lower --concurrency/g, 'lower the setting inoculate.check.concurrency (or the file’s `check.concurrency`)'],
  [/check `model:` or --model/g, 'check the file’s `model:` or the setting inoculate.check.model'],
  [/pass --base-url to/g, 'set inoculate.check.baseUrl to'],
  [/--base-url ([^\s,]+)/g, 'the setting inoculate.check.baseUrl = $1'],
  [/--(model|concurrency|samples)\b/g, 'the setting inoculate.check.$1'],
];

/** An engine message with its terminal hints put in the editor's terms (for per-sample failures and anything else). */
export function editorWording(message: string): string {
  let text = message;
  for (const [pattern, replacement] of EDITOR_WORDING) text = text.replace(pattern, replacement);
  return text;
}

/**
 * Text from an endpoint, a model or a file made inert for a notification: VS Code turns `[label](target)` in a
 * notification into a link (`command:` targets included), and an error body is the endpoint's to write. The bracket
 * and parenthesis are kept apart, and control characters go.
 */
export function notificationSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\]\s*\(/g, '] (');
}

/** The first http(s) URL a message names (the endpoint it is about), if any. */
function endpointIn(message: string): string | undefined {
  return /\bhttps?:\/\/[^\s()'"`]+/.exec(message)?.[0]?.replace(/[.,:;]+$/, '');
}

/** The error of a check that stopped (or could not start), for the editor. */
export function editorCheckError(error: CheckErrorFacts, context: CheckErrorContext): EditorCheckError {
  const endpoint = endpointIn(error.message) ?? context.endpoint;
  const isSampled = endpoint === context.endpoint;
  const where = isSampled ? ` The endpoint comes from ${endpointSourceText(context.source)}.` : ' It is the grader’s endpoint (`check.grader.baseUrl` in the file).';
  switch (error.kind) {
    case 'network':
      return {
        message: `Could not reach ${endpoint}${context.reachability ? `: ${context.reachability}` : ''}. Is the server running, and is the URL right?${where}`,
        actions: isSampled && context.source !== 'file' ? ['Open Settings', 'Show Output'] : ['Open File', 'Show Output'],
        setting: 'inoculate.check.baseUrl',
        endpoint,
      };
    case 'auth': {
      const sent =
        context.key === 'stored' ? `the key stored for it` : context.key === 'shared' ? 'OPENAI_API_KEY' : 'no key (none is stored for it)';
      return {
        message: `${endpoint} refused the API key (we sent ${sent}). Store the right key for this endpoint with "Set API Key".`,
        actions: ['Set API Key', 'Show Output'],
        endpoint,
      };
    }
    case 'not-found':
      if (/moderations? route/i.test(error.message)) {
        return {
          message: `${endpoint} has no moderation endpoint (404): the moderation grader needs an endpoint with a moderation model, such as OpenAI's. Point the grader at one in the file (\`check.grader.baseUrl: https://api.openai.com/v1\`) and store its key with "Set API Key"; the model can stay where it is.`,
          actions: ['Open File', 'Show Output'],
          endpoint,
        };
      }
      if (/^Model '/.test(error.message) || /model/i.test(error.message.split(':')[0] ?? '')) {
        const from = context.modelSource === 'setting' ? 'the setting inoculate.check.model' : "the file's `model:`";
        return {
          message: `${endpoint} has no model '${context.model}' (404). The model comes from ${from}; check its name against the endpoint's models.`,
          actions: context.modelSource === 'setting' ? ['Open Settings', 'Show Output'] : ['Open File', 'Show Output'],
          setting: 'inoculate.check.model',
          endpoint,
        };
      }
      return {
        message: `${endpoint} has no chat completions route (404): OpenAI-compatible servers usually end in /v1.${where}`,
        actions: isSampled && context.source !== 'file' ? ['Open Settings', 'Show Output'] : ['Open File', 'Show Output'],
        setting: 'inoculate.check.baseUrl',
        endpoint,
      };
    default:
      return {
        message: editorWording(error.message),
        actions: error.kind === 'rate-limit' ? ['Open Settings', 'Show Output'] : ['Show Output'],
        ...(error.kind === 'rate-limit' ? { setting: 'inoculate.check.concurrency' } : {}),
        endpoint,
      };
  }
}
