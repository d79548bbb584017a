/**
 * What is wrong with an endpoint that could not be reached, found by trying: a DNS lookup, then one TCP connection.
 * `fetch` reports a refused connection as "fetch failed" in some hosts (the cause is buried or replaced by the
 * editor's own fetch); a probe says it plainly. Node only (the extension host), no request is sent.
 */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

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
