/** What the language service needs from its surroundings: file contents, by URI. */
import { URI, Utils } from 'vscode-uri';

export interface LanguageServiceHost {
  /** The text of the file at `uri`, or undefined when it does not exist or cannot be read. */
  readFile(uri: string): Promise<string | undefined>;
}

/** Resolves a path written in a `.inoc` file (relative to that file, or absolute) to a URI string. */
export function resolveRelative(documentUri: string, path: string): string {
  if (/^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('/') || path.startsWith('\\\\')) return URI.file(path).toString();
  const base = Utils.dirname(URI.parse(documentUri));
  return Utils.resolvePath(base, path.replace(/\\/g, '/')).toString();
}
