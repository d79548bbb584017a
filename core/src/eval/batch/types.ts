/**
 * Batch mode's shared shapes. A batch request is one line of the OpenAI Batch API's input format (which vLLM's
 * `run-batch` reads too): `{custom_id, method: "POST", url: "/v1/chat/completions", body}`, whose `custom_id` is the
 * sample's response-cache key, so every answer maps back to exactly the sample that asked for it, and lands in the
 * cache like an online answer (the same records and grades follow).
 */
import type { ChatMessage } from '../../format/dataset';
import type { ChatResponse } from '../../check/providers/types';

/** One request of a batch. */
export interface BatchRequest {
  /** The sample's response-cache key (64 hex): the answer's identity. */
  customId: string;
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
}

/** What a batch route returned for the requests it was given. */
export interface BatchGroupResult {
  /** Answers by custom id (only ids that were requested). */
  answers: Map<string, ChatResponse>;
  /** Requests the batch could not answer, by custom id, with why. */
  errors: Map<string, string>;
  /** The batch jobs (or runs) involved, with their final status. */
  batches: Array<{ id: string; endpoint: string; requests: number; status: string }>;
  /** Set when the route turned out not to be available (the endpoint has no Batch API): the group goes online. */
  unavailable?: string;
}

/** The input line of one request, as the Batch API and `vllm run-batch` read it. */
export function batchInputLine(request: BatchRequest): string {
  return JSON.stringify({
    custom_id: request.customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: request.model,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      temperature: request.temperature,
      max_tokens: request.maxTokens,
    },
  });
}
