/**
 * How chat messages map onto VS Code's language model API, which has only user and assistant roles: system and
 * developer instructions become a user message placed first, marked so the model reads them as instructions. Pure.
 */
import type { ChatMessage } from '../../core/src/format/dataset';

/** A message in the shape `vscode.LanguageModelChatMessage.User/Assistant` takes. */
export interface LmMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The messages for `vscode.lm`: instructions first as one user message, consecutive user messages kept apart. */
export function toLmMessages(messages: readonly ChatMessage[]): LmMessage[] {
  const instructions = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content);
  const rest = messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  const result: LmMessage[] = [];
  if (instructions.length) result.push({ role: 'user', content: `Instructions:\n${instructions.join('\n\n')}` });
  for (const message of rest) result.push({ role: message.role as 'user' | 'assistant', content: message.content });
  return result;
}

/** `vendor/family` or a bare id or family, as written in `model:` for `provider: vscode-lm`. */
export function modelSelectors(model: string): Array<{ vendor?: string; family?: string; id?: string }> {
  const slash = model.indexOf('/');
  if (slash > 0) return [{ vendor: model.slice(0, slash), family: model.slice(slash + 1) }, { id: model }];
  return [{ id: model }, { family: model }];
}
