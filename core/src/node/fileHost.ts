/** The language service host on Node (used by the server and the CLI): reads `file:` URIs from disk, with a size cap. */
import { open } from 'node:fs/promises';
import { URI } from 'vscode-uri';
import type { LanguageServiceHost } from '../language/host';

/** Datasets larger than this are read in part (up to the last whole line): diagnostics only need a prefix. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export const nodeHost: LanguageServiceHost = {
  async readFile(uri: string): Promise<string | undefined> {
    let path: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== 'file') return undefined;
      path = parsed.fsPath;
    } catch {
      return undefined;
    }
    let handle;
    try {
      handle = await open(path, 'r');
      const stat = await handle.stat();
      if (!stat.isFile()) return undefined;
      const size = Math.min(stat.size, MAX_READ_BYTES);
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await handle.read(buffer, 0, size, 0);
      let text = buffer.subarray(0, bytesRead).toString('utf8');
      if (stat.size > MAX_READ_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
      return text;
    } catch {
      return undefined;
    } finally {
      await handle?.close();
    }
  },
};
