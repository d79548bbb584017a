/** File facts the language server needs beside contents (links resolved, change stamps), for `file:` URIs on Node. */
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { URI } from 'vscode-uri';
import { isInside, type LanguageServiceHost } from '../language/host';

function fsPathOf(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

export const nodeFileInfo: Required<Pick<LanguageServiceHost, 'realPath' | 'stamp' | 'createsInside'>> = {
  async realPath(uri) {
    const path = fsPathOf(uri);
    if (path === undefined) return undefined;
    try {
      return URI.file(await realpath(path)).toString();
    } catch {
      return undefined;
    }
  },
  async createsInside(uri, folder) {
    const path = fsPathOf(uri);
    const root = fsPathOf(folder);
    if (path === undefined || root === undefined) return false;
    const exists = (p: string) => lstat(p).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : undefined));
    // Nothing there, not even a link (creating "over" a dangling link would write where it points).
    if ((await exists(path)) !== false) return false;
    let parent = dirname(path);
    for (;;) {
      const found = await exists(parent);
      if (found === undefined) return false;
      if (found) break;
      if (dirname(parent) === parent) return false;
      parent = dirname(parent);
    }
    try {
      // Folders that do not exist yet are made as real folders; the nearest existing one decides where they go.
      return isInside(URI.file(await realpath(parent)).toString(), URI.file(await realpath(root)).toString());
    } catch {
      return false;
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
