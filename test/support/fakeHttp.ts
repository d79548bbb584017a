/**
 * Shared plumbing of the fake fine-tuning servers (test code only): a loopback `node:http` server with a route
 * table, recorded requests, scripted faults (429 with Retry-After, 500, connection resets) and held responses.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  status?: number;
  fault?: FaultKind;
}

export type FaultKind = '429' | '500' | 'reset';

/** A scripted fault: the next `count` requests matching `method` and `path` fail this way. */
export interface FaultScript {
  method?: string;
  path: RegExp;
  kind: FaultKind;
  count: number;
  /** Seconds in `Retry-After` for 429s (default 0). */
  retryAfterSeconds?: number;
}

/** What a route handler answers. */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; raw: Buffer | string; headers?: Record<string, string> };

export type Route = (request: SeenRequest, params: string[]) => Reply | Promise<Reply>;

/** A running fake. */
export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>` (no path). */
  origin: string;
  requests: SeenRequest[];
  /** Adds faults to the script (consumed in order of arrival). */
  fault(script: FaultScript): void;
  /**
   * Holds the next response to a request matching `method` and `path` after its handler ran (the server did the
   * work) until `release()`: to kill a client mid-request. `reached` resolves when such a request was handled.
   */
  hold(method: string, path: RegExp): { reached: Promise<void>; release(): void };
  /** Client connections still open (a killed client's close when the kernel closes its sockets). */
  openSockets(): number;
  close(): Promise<void>;
}

/** An error answer in OpenAI's shape. */
export function errorReply(status: number, message: string, type = 'invalid_request_error', code: string | null = null): Reply {
  return { status, json: { error: { message, type, param: null, code } } };
}

/** Starts a fake with `routes` (`METHOD /regex/` keys are matched in order). */
export async function startFakeHttp(routes: Array<[string, RegExp, Route]>): Promise<FakeHttpServer> {
  const requests: SeenRequest[] = [];
  const faults: FaultScript[] = [];
  const holds: Array<{ method: string; path: RegExp; reached: () => void; released: Promise<void> }> = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(seen);
    const fault = faults.find((f) => f.count > 0 && f.path.test(seen.path) && (!f.method || f.method === seen.method));
    if (fault) {
      fault.count--;
      seen.fault = fault.kind;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const reply = fault.kind === '429' ? errorReply(429, 'Rate limit reached.', 'requests', 'rate_limit_exceeded') : errorReply(500, 'The server had an error.', 'server_error');
      const headers: Record<string, string> = fault.kind === '429' ? { 'retry-after': String(fault.retryAfterSeconds ?? 0), 'retry-after-ms': String((fault.retryAfterSeconds ?? 0) * 1000) } : {};
      send(res, seen, { ...reply, headers });
      return;
    }
    let reply: Reply = errorReply(404, `Unknown route ${seen.method} ${seen.path}`);
    for (const [method, pattern, route] of routes) {
      const match = method === seen.method ? pattern.exec(seen.path) : null;
      if (!match) continue;
      try {
        reply = await route(seen, match.slice(1).map((part) => decodeURIComponent(part)));
      } catch (error) {
        reply = errorReply(500, `handler failed: ${(error as Error).message}`, 'server_error');
      }
      break;
    }
    const heldIndex = holds.findIndex((h) => h.method === seen.method && h.path.test(seen.path));
    if (heldIndex >= 0) {
      const [held] = holds.splice(heldIndex, 1);
      held!.reached();
      await held!.released;
    }
    if (!res.destroyed) send(res, seen, reply);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    fault: (script) => faults.push({ ...script }),
    hold(method, path) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ method, path, reached, released });
      return { reached: reachedPromise, release };
    },
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, seen: SeenRequest, reply: Reply): void {
  seen.status = reply.status;
  const body = 'json' in reply ? Buffer.from(JSON.stringify(reply.json)) : Buffer.from(reply.raw);
  res.writeHead(reply.status, { 'content-type': 'json' in reply ? 'application/json' : 'application/octet-stream', 'content-length': String(body.length), ...reply.headers });
  res.end(body);
}

/** The parts of a `multipart/form-data` body: fields by name, and the file's name and bytes. */
export function parseMultipart(request: SeenRequest): { fields: Record<string, string>; file?: { name: string; content: Buffer } } {
  const type = String(request.headers['content-type'] ?? '');
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  const fields: Record<string, string> = {};
  if (!boundary) return { fields };
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let file: { name: string; content: Buffer } | undefined;
  let at = request.body.indexOf(marker);
  while (at >= 0) {
    const start = at + marker.length;
    const next = request.body.indexOf(marker, start);
    if (next < 0) break;
    const part = request.body.subarray(start + 2, next - 2); // drop CRLF after the marker and before the next
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (filename !== undefined) file = { name: filename, content };
    else if (name) fields[name] = content.toString('utf8');
    at = next;
  }
  return { fields, file };
}
