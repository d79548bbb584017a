/** Inserting an arm's instruction into an item's messages, per the file's `placement`. */
import type { Placement } from './config';
import { itemMessages, type ChatMessage, type Item } from './dataset';
import { fillTemplate } from './placeholders';

export interface PlacementSettings {
  placement: Placement;
  template?: string;
  separator: string;
}

/**
 * The messages to send for `item` with `instruction` inserted (an empty instruction leaves the item as is,
 * apart from the template). Throws with a clear reason when the item cannot be built (a missing field).
 */
export function buildMessages(item: Item, instruction: string, settings: PlacementSettings): ChatMessage[] {
  const messages = itemMessages(item);
  const lastUser = findLastIndex(messages, (m) => m.role === 'user');
  const join = (a: string, b: string) => (a && b ? a + settings.separator + b : a || b);
  switch (settings.placement) {
    case 'template': {
      if (!settings.template) throw new Error('`placement: template` needs `template`');
      // `{{prompt}}` also reads the item's last user message, so chat items work with templates too.
      const fields = lastUser >= 0 && item.prompt === undefined ? { ...item, prompt: messages[lastUser]!.content } : item;
      const content = fillTemplate(settings.template, fields, instruction);
      if (lastUser >= 0) return messages.map((m, i) => (i === lastUser ? { role: 'user', content } : m));
      return [{ role: 'user', content }];
    }
    case 'user-prefix':
    case 'user-suffix': {
      if (lastUser < 0) throw new Error('the item has no user message (give it `prompt` or `messages`)');
      if (!instruction) return messages;
      return messages.map((m, i) =>
        i !== lastUser
          ? m
          : { role: 'user', content: settings.placement === 'user-prefix' ? join(instruction, m.content) : join(m.content, instruction) },
      );
    }
    case 'system': {
      if (lastUser < 0) throw new Error('the item has no user message (give it `prompt` or `messages`)');
      if (!instruction) return messages;
      const first = messages[0];
      if (first && (first.role === 'system' || first.role === 'developer')) {
        return [{ role: first.role, content: join(instruction, first.content) }, ...messages.slice(1)];
      }
      return [{ role: 'system', content: instruction }, ...messages];
    }
  }
}

function findLastIndex<T>(list: readonly T[], predicate: (value: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i]!)) return i;
  return -1;
}

export type { ChatMessage };
