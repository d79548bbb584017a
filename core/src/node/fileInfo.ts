/** File facts the language server needs beside contents (links resolved, change stamps), for `file:` URIs on Node. */
import { realpath, stat } from 'node:fs/promises';
import { URI } from 'vscode-uri';
import type { LanguageServiceHost } from '../language/host';

function fsPathOf(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

export const nodeFileInfo: Required<Pick<LanguageServiceHost, 'realPath' | 'stamp'>> = {
  async realPath(uri) {
    const path = fsPathOf(uri);
    if (path === undefined) return undefined;
    try {
      return URI.file(await realpath(path)).toString();
    } catch {
      return undefined;
    }
  },
  async stamp(uri) {
    const path = fsPathOf(uri);
    if (path === undefined) return undefined;
    try {
      const info = await stat(path, { bigint: true });
      return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    } catch {
      return undefined;
    }
  },
};
