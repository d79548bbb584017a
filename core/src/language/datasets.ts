/**
 * Dataset files read for diagnostics, hover and completion: parsed once and kept until they change on disk. In an
 * untrusted workspace only files inside the workspace are read (after resolving symbolic links): a repository must
 * not be able to make the editor read `/etc/...` or `~/.ssh/...` and quote it in a diagnostic.
 */
import { URI, Utils } from 'vscode-uri';
import { parseDataset, type ParsedDataset } from '../format/dataset';
import { isInside, UnreadableFileError, type LanguageServiceHost } from './host';

export type DatasetLookup =
  | { kind: 'missing' }
  /** Outside the workspace in an untrusted workspace: not read at all. */
  | { kind: 'refused' }
  /** There, but not a file that can be read (a FIFO, a device, a folder...): `reason` says what it is. */
  | { kind: 'unreadable'; reason: string }
  | { kind: 'parsed'; dataset: ParsedDataset };

/** Where datasets may be read from. */
export interface WorkspaceAccess {
  /** A trusted workspace reads datasets anywhere (the user's own choice of path). */
  trusted: boolean;
  /** Workspace folder URIs; untrusted, only files inside them are read (the document's own folder when there are none). */
  folders: string[];
}

export interface DatasetRequest {
  /** The `.inoc` document that names the dataset (its folder is the workspace when no folder is open). */
  from?: string;
  /** Check the file on disk for changes first (validation on open, change and save; clients without file watching). */
  fresh?: boolean;
}

interface Entry {
  stamp: string | undefined;
  lookup: Promise<DatasetLookup>;
}

export class DatasetCache {
  private readonly entries = new Map<string, Entry>();
  private access: WorkspaceAccess = { trusted: true, folders: [] };
  /** The workspace folders with their links resolved (the folder itself may sit behind a link, e.g. /tmp). */
  private realFolders: Promise<string[]> | undefined;

  constructor(private readonly host: LanguageServiceHost) {}

  /** Sets where datasets may be read from; forgets everything read so far (trust may have been granted). */
  setAccess(access: WorkspaceAccess): void {
    this.access = { trusted: access.trusted, folders: [...access.folders] };
    this.realFolders = undefined;
    this.entries.clear();
  }

  /** The parsed dataset at `uri` (items need their own prompt unless a template builds it). */
  async get(uri: string, needsPrompt: boolean, request: DatasetRequest = {}): Promise<DatasetLookup> {
    const target = await this.readableTarget(uri, request.from);
    if (target.kind !== 'readable') return target.kind === 'refused' ? { kind: 'refused' } : { kind: 'missing' };
    const key = `${needsPrompt ? 'p' : 't'}:${target.uri}`;
    let entry = this.entries.get(key);
    if (entry && request.fresh && this.host.stamp) {
      const stamp = await this.host.stamp(target.uri).catch(() => undefined);
      if (stamp !== entry.stamp) {
        this.entries.delete(key);
        entry = undefined;
      }
    }
    if (!entry) {
      const stamp = this.host.stamp ? await this.host.stamp(target.uri).catch(() => undefined) : undefined;
      entry = this.entries.get(key); // another request may have read it meanwhile
      if (!entry) {
        const lookup = this.host.readFile(target.uri).then(
          (text): DatasetLookup => (text === undefined ? { kind: 'missing' } : { kind: 'parsed', dataset: parseDataset(text, { needsPrompt }) }),
          (error: unknown): DatasetLookup => (error instanceof UnreadableFileError ? { kind: 'unreadable', reason: error.reason } : { kind: 'missing' }),
        );
        entry = { stamp, lookup };
        this.entries.set(key, entry);
      }
    }
    return entry.lookup;
  }

  /**
   * Whether a new file at `uri` would stay inside `folder` (the `.inoc` file's folder) once links are resolved; by the
   * written path only where the host cannot tell (see `LanguageServiceHost.createsInside`).
   */
  async createsInside(uri: string, folder: string): Promise<boolean> {
    if (!isInside(uri, folder)) return false;
    return this.host.createsInside ? this.host.createsInside(uri, folder).catch(() => false) : true;
  }

  /** Drops a file after it changed on disk (or everything, without an argument). */
  invalidate(uri?: string): void {
    if (uri === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of this.entries.keys()) if (key.endsWith(`:${uri}`)) this.entries.delete(key);
  }

  /**
   * Where to read `uri` from. Trusted: the URI itself. Untrusted: refused when its path lies outside the workspace,
   * else its real path (links resolved), refused again when that lies outside: a link out of the workspace is not
   * followed. Nothing outside the workspace is opened, so nothing of it can be quoted.
   */
  private async readableTarget(uri: string, from: string | undefined): Promise<{ kind: 'readable'; uri: string } | { kind: 'refused' } | { kind: 'missing' }> {
    if (this.access.trusted) return { kind: 'readable', uri };
    const folders = this.access.folders.length ? this.access.folders : from ? [Utils.dirname(URI.parse(from)).toString()] : [];
    if (!folders.some((folder) => isInside(uri, folder))) return { kind: 'refused' };
    if (!this.host.realPath) return { kind: 'readable', uri };
    const real = await this.host.realPath(uri).catch(() => undefined);
    if (real === undefined) return { kind: 'missing' };
    const realFolders = this.access.folders.length ? await this.resolvedFolders() : await Promise.all(folders.map((f) => this.realPathOr(f)));
    return realFolders.some((folder) => isInside(real, folder)) ? { kind: 'readable', uri: real } : { kind: 'refused' };
  }

  private resolvedFolders(): Promise<string[]> {
    this.realFolders ??= Promise.all(this.access.folders.map((folder) => this.realPathOr(folder)));
    return this.realFolders;
  }

  private async realPathOr(uri: string): Promise<string> {
    return (await this.host.realPath?.(uri).catch(() => undefined)) ?? uri;
  }
}
