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

/** The remedy sentence that ends `sharedKeyRefusal`'s text (the terminal's and the check's choices). */
const CHECK_REMEDY = / Choose it yourself \(.*\), or store a key for it \("Inoculate: Set API Key"\)\.$/s;

/** The notice for a refusal (`refused`: the key policy's text). */
export function keyRefusalNotice(refused: string, command: KeyRefusalCommand): KeyRefusalNotice {
  if (command === 'check') {
    const text = editorWording(refused);
    return { log: text, message: `Inoculate: ${text}`, actions: ['Set API Key', 'Open Settings'], setting: 'inoculate.check.baseUrl' };
  }
  // No setting chooses an evaluation's endpoints: the check's remedies (its setting, --base-url) do not apply here.
  const text = CHECK_REMEDY.test(refused)
    ? refused.replace(CHECK_REMEDY, ' Store a key for it ("Set API Key"; it is kept in the editor\'s secret storage and sent only there) and the evaluation goes on; nothing was sent.')
    : editorWording(refused);
  return { log: text, message: `Inoculate: cannot evaluate: ${text}`, actions: ['Set API Key'] };
}

/**
 * A key looked up under the key policy: when the policy refused OPENAI_API_KEY and no other key was found, the user
 * is told (`offer`, true once a key was stored for the endpoint) and it is looked up again. Undefined when there is
 * still no key: the caller stops with nothing sent. A lookup that was not refused is returned as it is (with or
 * without a key: whether a missing key matters is the caller's to say).
 */
export async function keyAfterRefusal<K extends { key: string | undefined; refused?: string }>(lookup: () => Promise<K>, offer: (refused: string) => Promise<boolean>): Promise<K | undefined> {
  const found = await lookup();
  if (found.key || !found.refused) return found;
  if (!(await offer(found.refused))) return undefined;
  const again = await lookup();
  return again.key ? again : undefined;
}
