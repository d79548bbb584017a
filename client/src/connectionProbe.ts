/**
 * What is wrong with an endpoint that could not be reached, found by trying: a DNS lookup, then one TCP connection.
 * `fetch` reports a refused connection as "fetch failed" in some hosts (the cause is buried or replaced by the
 * editor's own fetch); a probe says it plainly. Node only (the extension host), no request is sent.
 */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

/**
 * Ports that `fetch` refuses to connect to (the WHATWG Fetch standard's "bad ports"; Node's fetch and the editor's
 * follow it): a server there is never reached, whatever a TCP probe finds, and the error says only "fetch failed".
 */
const FETCH_BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123,
  135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995,
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The address of `baseUrl` to try, e.g. `{ host: '127.0.0.1', port: 8000 }`; undefined for a URL that is not http(s). */
export function probeTarget(baseUrl: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** The words for a connection error code. */
export function connectionErrorText(code: string | undefined, host: string, port: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: nothing is listening on ${host}:${port}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${host} could not be resolved`;
    case 'ETIMEDOUT':
      return `no answer from ${host}:${port} (the connection timed out; a firewall or a wrong address?)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this machine (no route)`;
    case 'ECONNRESET':
      return `${host}:${port} closed the connection at once`;
    default:
      return code ? `the connection to ${host}:${port} failed (${code})` : `the connection to ${host}:${port} failed`;
  }
}

/**
 * Tries to reach `baseUrl` and says what happened: undefined when a connection opens (the problem is then above TCP:
 * TLS, a proxy, the server itself), else why it did not.
 */
export async function probeConnection(baseUrl: string, timeoutMs = 3000): Promise<string | undefined> {
  const target = probeTarget(baseUrl);
  if (!target) return undefined;
  if (FETCH_BLOCKED_PORTS.has(target.port)) {
    return `port ${target.port} is one that fetch never connects to (blocked for safety, as in browsers): serve the endpoint on another port`;
  }
  try {
    await lookup(target.host);
  } catch (error) {
    return connectionErrorText((error as NodeJS.ErrnoException).code ?? 'ENOTFOUND', target.host, target.port);
  }
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (result: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(connectionErrorText('ETIMEDOUT', target.host, target.port)), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(connectionErrorText(error.code, target.host, target.port)));
  });
}
