/**
 * Where a shared API key (`OPENAI_API_KEY`, set for no endpoint in particular) may be sent. A `.inoc` file is data
 * that can come from anyone (a cloned repository, a colleague), and so are a workspace's settings
 * (`.vscode/settings.json` comes with the repository): if either alone could name the endpoint that receives the
 * key, it could exfiltrate it. So a shared key goes to an endpoint that only a file or a workspace names just when
 * that endpoint is OpenAI's own API over TLS (`https://api.openai.com`, port 443) or on this machine without asking
 * DNS (`localhost` itself, 127.0.0.0/8, `[::1]`; not `*.localhost`, which a resolver may send anywhere). Any other
 * endpoint must be chosen by the user (a flag, a user setting, an environment variable) or have its own key.
 *
 * Keys are also kept out of everything shown or written: `secretRedactor` removes a key in every encoding an
 * endpoint may plausibly echo it in.
 */

/**
 * Who chose an endpoint: the user (a command-line flag, a user-level setting, the environment, the default), the
 * workspace (a workspace or folder setting, which comes with the repository), or a file's frontmatter.
 */
export type EndpointSource = 'user' | 'workspace' | 'file';

/** True for `localhost` itself and loopback IP literals: hosts reached without any DNS lookup. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** True for OpenAI's own API over TLS on its standard port: `https://api.openai.com[:443]/...`. */
export function isOpenAIOverTls(url: URL): boolean {
  return url.protocol === 'https:' && url.hostname === 'api.openai.com' && (url.port === '' || url.port === '443');
}

/** Whether the shared key may be sent to `baseUrl`, chosen by `source`. */
export function maySendSharedKey(baseUrl: string, source: EndpointSource): boolean {
  if (source === 'user') return true;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (isOpenAIOverTls(url)) return true;
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/** Which key a check would send: one the user stored for the endpoint, the shared `OPENAI_API_KEY`, or none. */
export type KeyKind = 'stored' | 'shared' | 'none';

/** What the key policy decides for one endpoint (see `decideKey`). */
export interface KeyDecision {
  kind: KeyKind;
  /**
   * True when that key would go to an endpoint or a model chosen by the workspace's settings: an editor asks the
   * user first (and may remember the answer for that endpoint, model and key).
   */
  needsConsent: boolean;
  /** Set when a shared key exists but may not go to this endpoint: why, and what the user can do. */
  refused?: string;
  /** With `refused`: the why alone, for a caller whose remedies differ (an evaluation has no setting to choose). */
  refusedBecause?: string;
}

/**
 * The one decision every adapter makes before sampling: which key goes to `baseUrl` and whether the user must agree
 * first. A key stored for the endpoint's origin is the user's own choice for that endpoint and always goes; the
 * shared key goes where `maySendSharedKey` allows. Either way, when the workspace chose the endpoint or the model
 * (`modelSource`), the user is asked before a key goes: a workspace may never unlock the shared key for an endpoint
 * that a file could not, and may not spend a key unasked either.
 */
export function decideKey(options: { baseUrl: string; source: EndpointSource; modelSource?: EndpointSource; hasStoredKey: boolean; hasSharedKey: boolean; where: string }): KeyDecision {
  const workspaceChose = options.source === 'workspace' || options.modelSource === 'workspace';
  if (options.hasStoredKey) return { kind: 'stored', needsConsent: workspaceChose };
  if (!options.hasSharedKey) return { kind: 'none', needsConsent: false };
  if (maySendSharedKey(options.baseUrl, options.source)) return { kind: 'shared', needsConsent: workspaceChose };
  return { kind: 'none', needsConsent: false, refused: sharedKeyRefusal(options.baseUrl, options.where), refusedBecause: sharedKeyRefusalReason(options.baseUrl, options.where) };
}

/** Keys shorter than this are redacted as written only: their base64 fragments would be too short to tell apart. */
const MIN_BASE64_KEY_LENGTH = 12;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
}

/** `[aA]` for a letter, the character itself otherwise (for case-insensitive hex digits). */
function anyCase(text: string): string {
  return [...text].map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
}

/**
 * Every way one character may appear: as itself, percent-encoded (also twice, as in a URL inside a URL), as a JSON
 * `\uXXXX` escape, `\/`, or an HTML character reference (`&#115;`, `&#x73;`, as in an HTML error page).
 */
function characterForms(char: string): string {
  const forms = new Set<string>([escapeRegExp(char)]);
  const percent = encodeURIComponent(char) !== char ? encodeURIComponent(char) : [...Buffer.from(char, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  forms.add(anyCase(percent));
  forms.add(anyCase(percent.replace(/%/g, '%25')));
  const code = char.codePointAt(0)!;
  forms.add(`&#0*${code};`);
  forms.add(`&#[xX]0*${anyCase(code.toString(16))};`);
  const unicode = [...char].map((c) => '\\\\u' + anyCase(c.charCodeAt(0).toString(16).padStart(4, '0'))).join('');
  forms.add(unicode);
  if (char === '/') forms.add('\\\\/');
  if (char === ' ') forms.add('\\+');
  return forms.size === 1 ? [...forms][0]! : `(?:${[...forms].join('|')})`;
}

/**
 * The base64 (and base64url) text that any encoding of `secret` contains, whatever bytes come before it: for each of
 * the three alignments, the characters that encode only the secret's own bits (e.g. a key inside an echoed
 * `Authorization: Basic` header).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    cores.add(core);
    cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...cores];
}

/**
 * A function that replaces every occurrence of the given secrets with `***`: as written, percent-encoded (any case,
 * also partly, also twice), JSON-escaped (`\uXXXX`, `\/`), as HTML character references, and, for keys of 12
 * characters or more, in hex and in base64 and base64url at any alignment. Empty secrets are ignored.
 */
export function secretRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const patterns: string[] = [];
  for (const secret of new Set(secrets.filter((value): value is string => !!value))) {
    patterns.push([...secret].map(characterForms).join(''));
    if (secret.length >= MIN_BASE64_KEY_LENGTH) {
      patterns.push(...base64Cores(secret).map(escapeRegExp));
      // Hex of its bytes (a dump of the request), either case.
      patterns.push(anyCase(Buffer.from(secret, 'utf8').toString('hex')));
    }
  }
  if (patterns.length === 0) return (text) => text;
  // Longest first, so a longer form is never left half-replaced by a shorter one.
  const pattern = new RegExp(patterns.sort((a, b) => b.length - a.length).join('|'), 'g');
  return (text) => (typeof text === 'string' ? text.replace(pattern, '***') : text);
}

/** Why the shared key is not sent to a remote endpoint that only a file or a workspace setting names. */
export function sharedKeyRefusalReason(baseUrl: string, where: string): string {
  return `${where} names the endpoint ${baseUrl}, which is neither OpenAI's API over https nor on this machine (localhost, 127.x.x.x, [::1]): OPENAI_API_KEY is not sent to an endpoint named only in a file or a workspace setting.`;
}

/** The message when a file names a remote endpoint that the shared key will not be sent to: why, and the remedies. */
export function sharedKeyRefusal(baseUrl: string, where: string): string {
  return `${sharedKeyRefusalReason(baseUrl, where)} Choose it yourself (--base-url ${baseUrl}, your user setting inoculate.check.baseUrl, or OPENAI_BASE_URL), or store a key for it ("Inoculate: Set API Key").`;
}
