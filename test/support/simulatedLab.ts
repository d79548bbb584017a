/**
 * THE SIMULATED LAB (test code only, a simulation). One local OpenAI-compatible address that:
 *
 * - fine-tunes: the fake fine-tuning server (`openaiFineTuningServer.ts`: files, jobs that advance per poll, an
 *   `ft:` model when a job succeeds);
 * - serves chat completions (`openaiServer.ts`) for the base model and every fine-tune it produced, answering with
 *   the behaviour and capability rates of the law in `labLaw.ts`, read off the model's own training file (which
 *   candidate instruction its user turns carry);
 * - runs batches (`batchApiServer.ts`, over the same file store), answering each line by the same law;
 * - says a fine-tune's shutdown date on `GET /v1/models/{id}` when the test sets one for its candidate.
 *
 * A front on one port routes each path to the part that serves it, so the CLI sees one endpoint, as it would see
 * OpenAI's. Nothing here is a model: the lab exists to check that check → train → eval → report recovers a law we know.
 */
import { batchRoutes, type FakeBatch } from './batchApiServer';
import { errorReply, startFakeHttp, type FakeHttpServer, type Reply, type SeenRequest } from './fakeHttp';
import { DEFAULT_LAW, instructionIn, labResponder, type LabLaw, type LabModel } from './labLaw';
import { startOpenAIFineTuningServer, type OpenAIFineTuningServer } from './openaiFineTuningServer';
import { startOpenAIServer, type OpenAIServer } from './openaiServer';

export interface SimulatedLabOptions {
  law: Omit<Partial<LabLaw>, 'candidates' | 'items'> & Pick<LabLaw, 'candidates' | 'items'>;
  /** Latency of each chat answer (ms). */
  latencyMs?: number;
  /** Job states per poll of the fine-tuning server (default: a quick success). */
  jobStates?: string[];
  /** The safety prompt of the `safety` condition, when the test uses one. */
  safetyPrompt?: string;
}

export interface SimulatedLab {
  /** The one endpoint: `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  law: LabLaw;
  front: FakeHttpServer;
  fineTuning: OpenAIFineTuningServer;
  chat: OpenAIServer;
  batches: FakeBatch[];
  /** What each fine-tuned model was trained with (filled as models are asked about). */
  models: Map<string, LabModel>;
  /** Sets the shutdown date `GET /v1/models/{id}` reports for the fine-tunes of a candidate (`baseline` for the baseline). */
  setShutdownDate(arm: string, date: string | null): void;
  /** Chat requests the lab answered (online; batch lines not included). */
  chatRequests(): number;
  /** No client connection open and no request being answered: a killed client's last requests have landed. */
  settled(): boolean;
  close(): Promise<void>;
}

/** Starts the lab on 127.0.0.1. */
export async function startSimulatedLab(options: SimulatedLabOptions): Promise<SimulatedLab> {
  const law: LabLaw = { ...DEFAULT_LAW, ...options.law };
  const fineTuning = await startOpenAIFineTuningServer({ states: options.jobStates ?? ['validating_files', 'running', 'succeeded'] });
  const models = new Map<string, LabModel>();
  const shutdown = new Map<string, string | null>();

  /** What a model id is: the base model, or a fine-tune whose training file's user turns tell its instruction. */
  const modelOf = (modelId: string): LabModel | undefined => {
    if (modelId === law.baseModel) return { kind: 'base' };
    const known = models.get(modelId);
    if (known) return known;
    const job = fineTuning.jobs.find((j) => j.fine_tuned_model === modelId);
    const file = job && fineTuning.files.find((f) => f.id === job.training_file);
    if (!file) return undefined;
    const firstUser = (JSON.parse(file.content.split('\n')[0]!) as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'user')?.content ?? '';
    const candidate = instructionIn(law, firstUser);
    const model: LabModel = { kind: 'fine-tuned', strength: candidate?.strength ?? 0, instruction: candidate?.instruction ?? '' };
    models.set(modelId, model);
    return model;
  };
  const armOf = (modelId: string): string | undefined => {
    const model = modelOf(modelId);
    if (!model || model.kind !== 'fine-tuned') return undefined;
    return Object.entries(law.candidates).find(([, c]) => c.instruction === model.instruction)?.[0] ?? 'baseline';
  };
  const respond = labResponder(law, modelOf, options.safetyPrompt);
  let online = 0;
  const chat = await startOpenAIServer({
    latencyMs: options.latencyMs,
    chat: (request) => {
      online++;
      return respond(request.model, request.messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : '' })));
    },
  });
  const batches: FakeBatch[] = [];
  const batch = batchRoutes({ chat: (body) => respond(body.model, body.messages) }, fineTuning.files as never, batches);

  const forward = async (request: SeenRequest, origin: string): Promise<Reply> => {
    const query = request.query.toString();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await fetch(`${origin}${request.path}${query ? `?${query}` : ''}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(request.body),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const replyHeaders: Record<string, string> = { 'content-type': response.headers.get('content-type') ?? 'application/json' };
    for (const name of ['retry-after', 'retry-after-ms']) {
      const value = response.headers.get(name);
      if (value) replyHeaders[name] = value;
    }
    return { status: response.status, raw: body, headers: replyHeaders };
  };
  const chatOrigin = chat.baseUrl.replace(/\/v1$/, '');
  const fineTuningOrigin = fineTuning.baseUrl.replace(/\/v1$/, '');
  let answering = 0;
  const route = async (request: SeenRequest): Promise<Reply> => {
    answering++;
    try {
      return await routeOnce(request);
    } finally {
      answering--;
    }
  };
  const routeOnce = async (request: SeenRequest): Promise<Reply> => {
    const path = request.path;
    if (path === '/v1/chat/completions' || path === '/v1/moderations' || (request.method === 'GET' && path === '/v1/models')) return forward(request, chatOrigin);
    const modelId = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
    if (request.method === 'GET' && modelId) {
      const id = decodeURIComponent(modelId);
      const arm = armOf(id);
      if (arm && shutdown.has(arm)) return { status: 200, json: { id, object: 'model', created: 1, owned_by: 'lab', shutdown_date: shutdown.get(arm) } };
      if (id === law.baseModel || modelOf(id)) return { status: 200, json: { id, object: 'model', created: 1, owned_by: 'lab' } };
      return forward(request, fineTuningOrigin);
    }
    if (path.startsWith('/v1/batches') || /^\/v1\/files\/[^/]+\/content$/.test(path)) return (await batch(request)) ?? errorReply(404, `Unknown route ${path}`);
    if (path.startsWith('/v1/files') || path.startsWith('/v1/fine_tuning')) return forward(request, fineTuningOrigin);
    return errorReply(404, `Invalid URL (${request.method} ${path})`);
  };
  const front = await startFakeHttp([
    ['GET', /.*/, route],
    ['POST', /.*/, route],
  ]);
  return {
    baseUrl: `${front.origin}/v1`,
    law,
    front,
    fineTuning,
    chat,
    batches,
    models,
    setShutdownDate: (arm, date) => void shutdown.set(arm, date),
    chatRequests: () => online,
    settled: () => answering === 0 && front.openSockets() === 0,
    close: async () => {
      await front.close();
      await chat.close();
      await fineTuning.close();
    },
  };
}
