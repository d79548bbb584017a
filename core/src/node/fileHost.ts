/** The language service host on Node (used by the server and the CLI): reads `file:` URIs from disk, with a size cap. */
import { URI } from 'vscode-uri';
import { UnreadableFileError, type LanguageServiceHost } from '../language/host';
import { NotARegularFileError, readRegularFile } from './regularFile';

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
    try {
      // Regular files only: a FIFO or a device named as a dataset must never block or flood the server.
      return await readRegularFile(path, { maxBytes: MAX_READ_BYTES, oversize: 'cut-at-line' });
    } catch (error) {
      // Said as what it is ("is a FIFO"), not as missing: the user sees a file there.
      if (error instanceof NotARegularFileError) throw new UnreadableFileError(`is ${error.kind}, not a regular file`);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new UnreadableFileError('cannot be read: permission denied');
      if (code === 'ELOOP') throw new UnreadableFileError('is a symbolic link that leads nowhere (a loop)');
      return undefined;
    }
  },
};
