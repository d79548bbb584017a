/** A `ModelProvider` (the check engine's endpoint) backed by VS Code's language models, for `provider: vscode-lm`. */
import * as vscode from 'vscode';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../core/src/check/providers/openai';
import { abortReason, ProviderError, type ChatRequest, type ChatResponse, type ModelProvider } from '../../core/src/check/providers/types';
import { modelSelectors, toLmMessages } from './vscodeLmMessages';

/** Samples through `vscode.lm.selectChatModels`; the user grants access the first time (VS Code asks). */
export class VscodeLmProvider implements ModelProvider {
  readonly id = 'vscode-lm';
  readonly kind = 'vscode-lm';
  readonly baseUrl = null;
  private readonly models = new Map<string, Promise<vscode.LanguageModelChat>>();
  /** The most bytes (UTF-8) read for one answer (`check.maxResponseBytes`): a model that never stops is cut off. */
  readonly maxResponseBytes: number;

  constructor(options: { maxResponseBytes?: number } = {}) {
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** The model `name` selects, looked up once. Rejects with a `not-found` ProviderError listing what there is. */
  private model(name: string): Promise<vscode.LanguageModelChat> {
    let found = this.models.get(name);
    if (!found) {
      found = (async () => {
        for (const selector of modelSelectors(name)) {
          const [model] = await vscode.lm.selectChatModels(selector);
          if (model) return model;
        }
        const available = (await vscode.lm.selectChatModels()).map((m) => `${m.vendor}/${m.family} (id ${m.id})`);
        throw new ProviderError(
          'not-found',
          `No VS Code language model '${name}'. ${available.length ? `Available: ${available.join(', ')}.` : 'None is available: install and sign in to a chat extension.'} Set \`model:\` to one of them.`,
        );
      })();
      found.catch(() => this.models.delete(name)); // a model may appear later (an extension activating)
      this.models.set(name, found);
    }
    return found;
  }

  async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    if (signal.aborted) throw abortReason(signal);
    const model = await this.model(request.model);
    const messages = toLmMessages(request.messages).map((m) =>
      m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.content) : vscode.LanguageModelChatMessage.Assistant(m.content),
    );
    const cancellation = new vscode.CancellationTokenSource();
    const onAbort = () => cancellation.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await model.sendRequest(
        messages,
        {
          justification: 'Inoculate samples this model to measure how strongly each prompt elicits a behaviour (an elicitation check you started).',
          modelOptions: { temperature: request.temperature, maxTokens: request.maxTokens },
        },
        cancellation.token,
      );
      let text = '';
      let bytes = 0;
      for await (const chunk of response.text) {
        if (signal.aborted) throw abortReason(signal);
        bytes += Buffer.byteLength(chunk, 'utf8');
        if (bytes > this.maxResponseBytes) {
          cancellation.cancel();
          throw new ProviderError(
            'too-large',
            `The VS Code language model '${request.model}' sent more than ${this.maxResponseBytes.toLocaleString('en-US')} bytes for one answer; reading stopped there and the answer was not used. Raise \`check.maxResponseBytes\` if its answers really are that long.`,
          );
        }
        text += chunk;
      }
      if (signal.aborted) throw abortReason(signal);
      return { text, finishReason: 'stop' };
    } catch (error) {
      throw toProviderError(error, signal, request.model);
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancellation.dispose();
    }
  }
}

/** Maps VS Code's errors onto the engine's kinds, so retries and fatal stops work as with any endpoint. */
function toProviderError(error: unknown, signal: AbortSignal, model: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal.aborted) return abortReason(signal);
  if (error instanceof vscode.CancellationError) return new ProviderError('cancelled', 'Cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof vscode.LanguageModelError) {
    if (error.code === vscode.LanguageModelError.NoPermissions.name) {
      return new ProviderError('auth', `VS Code did not allow Inoculate to use the language model '${model}' (${message}). Allow it when VS Code asks, or in the Accounts menu.`);
    }
    if (error.code === vscode.LanguageModelError.NotFound.name) return new ProviderError('not-found', `The VS Code language model '${model}' is gone (${message}).`);
    if (error.code === vscode.LanguageModelError.Blocked.name) return new ProviderError('rate-limit', `The VS Code language model '${model}' is blocking requests for now (${message}).`);
  }
  return new ProviderError('server', `The VS Code language model '${model}' failed: ${message}`);
}
