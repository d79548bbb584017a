/**
 * When the key policy withholds OPENAI_API_KEY from an endpoint (`decideKey`'s `refused`, core/src/check/keyPolicy.ts):
 * the lookup that stops unless a key gets stored, and what the editor says and offers. Shared by the commands that
 * send requests ("Run Elicitation Check": runCheck.ts, "Evaluate": evaluate.ts), which show it through
 * `offerKeyAfterRefusal` (apiKeys.ts). Pure.
 */
import { editorWording } from './checkErrors';

/** The buttons of a refusal's notification. */
export type KeyRefusalAction = 'Set API Key' | 'Open Settings';

/** What the editor says about a refusal: the Output channel's line, the notification, its buttons. */
export interface KeyRefusalNotice {
  /** The Output channel's line (the refusal, in the editor's words). */
  log: string;
  /** The notification's text (shown through `notificationSafe`). */
  message: string;
  actions: KeyRefusalAction[];
  /** What "Open Settings" shows. */
  setting?: string;
}

/**
 * Who asks: a check, whose endpoint the user's own setting inoculate.check.baseUrl may choose (so "Open Settings"
 * applies), or an evaluation, whose endpoints only the file names (its `baseUrl:`, `eval.models`, graders) or
 * OPENAI_BASE_URL when the file names none: there only a key stored for the endpoint helps.
 */
export type KeyRefusalCommand = 'check' | 'evaluation';

/** A refusal as the key policy gives it (`KeyDecision`): the whole message, and the why alone. */
export interface KeyRefusal {
  refused: string;
  refusedBecause?: string;
}

/** The notice for a refusal. */
export function keyRefusalNotice(refusal: KeyRefusal, command: KeyRefusalCommand): KeyRefusalNotice {
  if (command === 'check') {
    const text = editorWording(refusal.refused);
    return { log: text, message: `Inoculate: ${text}`, actions: ['Set API Key', 'Open Settings'], setting: 'inoculate.check.baseUrl' };
  }
  // No setting chooses an evaluation's endpoints: the check's remedies (its setting, --base-url) do not apply here.
  const text = refusal.refusedBecause
    ? `${editorWording(refusal.refusedBecause)} Store a key for it ("Set API Key"; it is kept in the editor's secret storage and sent only there) and the evaluation goes on; nothing was sent.`
    : editorWording(refusal.refused);
  return { log: text, message: `Inoculate: cannot evaluate: ${text}`, actions: ['Set API Key'] };
}

/**
 * A key looked up under the key policy: when the policy refused OPENAI_API_KEY and no other key was found, the user
 * is told (`offer`, true once a key was stored for the endpoint) and it is looked up again. Undefined when there is
 * still no key: the caller stops with nothing sent. A lookup that was not refused is returned as it is (with or
 * without a key: whether a missing key matters is the caller's to say).
 */
export async function keyAfterRefusal<K extends { key: string | undefined; refused?: string; refusedBecause?: string }>(
  lookup: () => Promise<K>,
  offer: (refusal: KeyRefusal) => Promise<boolean>,
): Promise<K | undefined> {
  const found = await lookup();
  if (found.key || !found.refused) return found;
  if (!(await offer({ refused: found.refused, refusedBecause: found.refusedBecause }))) return undefined;
  const again = await lookup();
  return again.key ? again : undefined;
}

/**
 * The keys of the endpoints one command sends to, each looked up once (trailing slashes ignored). A refusal is dealt
 * with (`keyAfterRefusal`) the first time an endpoint is needed, also when it was looked up before without being
 * needed (e.g. the file's endpoint that no model uses, then a model naming the same endpoint).
 */
export class EndpointKeys<C> {
  private readonly found = new Map<string, { key: string | undefined; checked: boolean }>();

  constructor(
    private readonly lookup: (url: string, choice: C) => Promise<{ key: string | undefined; refused?: string; refusedBecause?: string }>,
    private readonly offer: (url: string, refusal: KeyRefusal) => Promise<boolean>,
  ) {}

  /** Looks `url` up; when `needed`, a refusal is offered a key. False: still no key where one is needed (stop). */
  async need(url: string, choice: C, needed = true): Promise<boolean> {
    const normal = url.replace(/\/+$/, '');
    const known = this.found.get(normal);
    if (known && (known.checked || !needed || known.key)) return true;
    const lookup = () => this.lookup(normal, choice);
    const found = needed ? await keyAfterRefusal(lookup, (refusal) => this.offer(normal, refusal)) : await lookup();
    if (!found) return false;
    this.found.set(normal, { key: found.key, checked: needed });
    return true;
  }

  /** Every key found (to redact them from what is shown). */
  values(): Array<string | undefined> {
    return [...this.found.values()].map((entry) => entry.key);
  }

  /** The key found for `url` (undefined: none, or never looked up). */
  key(url: string): string | undefined {
    return this.found.get(url.replace(/\/+$/, ''))?.key;
  }
}
