/** What the language service needs from its surroundings: file contents, by URI. */
import { URI, Utils } from 'vscode-uri';

export interface LanguageServiceHost {
  /**
   * The text of the file at `uri`, or undefined when it does not exist. Rejects with UnreadableFileError when it
   * exists but cannot be read as a file (a FIFO, a device, a folder, no permission); any other rejection counts as
   * missing.
   */
  readFile(uri: string): Promise<string | undefined>;
  /**
   * The file's URI with every symbolic link resolved, or undefined when it does not exist. Hosts whose files can be
   * links must implement it: without it, an untrusted workspace's datasets are checked by their written path only.
   */
  realPath?(uri: string): Promise<string | undefined>;
  /** Something that changes whenever the file does (size, modification time), or undefined when it does not exist. */
  stamp?(uri: string): Promise<string | undefined>;
  /**
   * Whether a new file at `uri` would land inside `folder`: nothing is at `uri` (not even a dangling link), and its
   * nearest existing parent, links resolved, lies inside `folder` (links resolved). Hosts whose folders can be links
   * must implement it: without it, only the written path is checked (quick fixes that create a file use it).
   */
  createsInside?(uri: string, folder: string): Promise<boolean>;
}

/** A file that exists but cannot be read as one; `reason` follows the path: `is a FIFO (named pipe), not a regular file`. */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Resolves a path written in a `.inoc` file (relative to that file, or absolute) to a URI string, `..` resolved. */
export function resolveRelative(documentUri: string, path: string): string {
  if (/^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('/') || path.startsWith('\\\\')) {
    // Three or more leading slashes name the root on POSIX; vscode-uri would read them as an empty authority with a
    // path starting "//" and throw (a file's text must never make a language feature throw). Two stay a UNC path.
    const absolute = /^\/{3,}/.test(path) ? path.replace(/^\/+/, '/') : path;
    return Utils.joinPath(URI.file(absolute)).toString();
  }
  const base = Utils.dirname(URI.parse(documentUri));
  return Utils.resolvePath(base, path.replace(/\\/g, '/')).toString();
}

/** Whether `uri` is `folder` or lies inside it (same scheme and authority, path below it). */
export function isInside(uri: string, folder: string): boolean {
  const target = URI.parse(uri);
  const root = URI.parse(folder);
  if (target.scheme !== root.scheme || target.authority !== root.authority) return false;
  const rootPath = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return target.path === root.path || target.path.startsWith(rootPath);
}
