/**
 * Where a shared API key (`OPENAI_API_KEY`, set for no endpoint in particular) may be sent. A `.inoc` file is data
 * that can come from anyone (a cloned repository, a colleague): if its `baseUrl` alone could receive the key, a file
 * could exfiltrate it. So a shared key goes to an endpoint named only in a file just when that endpoint is OpenAI's
 * own or on this machine (loopback); any other endpoint must be chosen by the user (a flag, a setting, an
 * environment variable) or have its own key (stored per origin in the editor).
 */

/** Who chose an endpoint: the user (flag, setting, environment, default) or a file's frontmatter. */
export type EndpointSource = 'user' | 'file';

/** True for hosts on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether the shared key may be sent to `baseUrl`, chosen by `source`. */
export function maySendSharedKey(baseUrl: string, source: EndpointSource): boolean {
  if (source === 'user') return true;
  let hostname: string;
  try {
    hostname = new URL(baseUrl).hostname;
  } catch {
    return false;
  }
  return hostname === 'api.openai.com' || isLoopbackHost(hostname);
}

/** The message when a file names a remote endpoint that the shared key will not be sent to. */
export function sharedKeyRefusal(baseUrl: string, where: string): string {
  return `${where} names the endpoint ${baseUrl}, which is neither OpenAI's nor on this machine: OPENAI_API_KEY is not sent to an endpoint named only in a file. Choose it yourself (--base-url ${baseUrl}, the setting inoculate.check.baseUrl, or OPENAI_BASE_URL), or store a key for it ("Inoculate: Set API Key").`;
}
