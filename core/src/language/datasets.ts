/** Dataset files read for diagnostics and completion, parsed once and kept until they change on disk. */
import { parseDataset, type ParsedDataset } from '../format/dataset';
import type { LanguageServiceHost } from './host';

export type DatasetLookup = { kind: 'missing' } | { kind: 'parsed'; dataset: ParsedDataset };

export class DatasetCache {
  private readonly entries = new Map<string, Promise<DatasetLookup>>();

  constructor(private readonly host: LanguageServiceHost) {}

  /** The parsed dataset at `uri` (items need their own prompt unless a template builds it). */
  get(uri: string, needsPrompt: boolean): Promise<DatasetLookup> {
    const key = `${needsPrompt ? 'p' : 't'}:${uri}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.host.readFile(uri).then(
        (text): DatasetLookup =>
          text === undefined ? { kind: 'missing' } : { kind: 'parsed', dataset: parseDataset(text, { needsPrompt }) },
        (): DatasetLookup => ({ kind: 'missing' }),
      );
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Drops a file after it changed on disk (or everything, without an argument). */
  invalidate(uri?: string): void {
    if (uri === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of this.entries.keys()) if (key.endsWith(`:${uri}`)) this.entries.delete(key);
  }
}
