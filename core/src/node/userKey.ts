/**
 * The per-user secret that signs what this user measured (see `core/src/check/provenance.ts`): 32 random bytes,
 * hex, in `provenance.key` in the user's config folder, outside any workspace, readable by the user only.
 *
 * The folder: `INOCULATE_CONFIG_DIR` when set; else `%APPDATA%\inoculate` on Windows, `~/Library/Application
 * Support/inoculate` on macOS, `$XDG_CONFIG_HOME/inoculate` or `~/.config/inoculate` elsewhere. Deleting the file
 * makes every earlier result count as found elsewhere (and re-requested), nothing worse.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MIN_KEY_BYTES, provenanceFromKey, type Provenance } from '../check/provenance';

/** The user's Inoculate config folder (see the module comment). */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.INOCULATE_CONFIG_DIR) return env.INOCULATE_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'inoculate');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'inoculate');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'inoculate');
}

/** The key file's name in the config folder. */
export const KEY_FILE = 'provenance.key';

/** A key file that exists but cannot be used. */
export class UserKeyError extends Error {
  override readonly name = 'UserKeyError';
}

function parseKey(text: string, path: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length % 2 || hex.length < MIN_KEY_BYTES * 2) {
    throw new UserKeyError(`${path} is not an Inoculate key (${MIN_KEY_BYTES * 2} or more hex characters). Delete it to make a new one; results signed with the old key will then count as found elsewhere.`);
  }
  return Buffer.from(hex, 'hex');
}

/**
 * This user's key: read from the config folder, or made there when missing and `create` is set (mode 0600 in a
 * 0700 folder, created exclusively so two processes never end up with different keys). Undefined when missing
 * and not created. Throws UserKeyError for a damaged key file.
 */
export async function loadUserKey(options: { create: boolean; env?: NodeJS.ProcessEnv } = { create: true }): Promise<Buffer | undefined> {
  const dir = userConfigDir(options.env);
  const path = join(dir, KEY_FILE);
  try {
    return parseKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error instanceof UserKeyError ? error : new UserKeyError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (!options.create) return undefined;
  const key = randomBytes(MIN_KEY_BYTES);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      await handle.writeFile(`${key.toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(await readFile(path, 'utf8'), path);
    throw new UserKeyError(`cannot create ${path}: ${(error as Error).message}`);
  }
}

const cache = new Map<string, Promise<Provenance | undefined>>();

/**
 * Signing with this user's key (made on first use when `create`), cached per config folder for the life of the
 * process. Undefined when there is no key and none is made.
 */
export function userProvenance(options: { create: boolean; env?: NodeJS.ProcessEnv } = { create: true }): Promise<Provenance | undefined> {
  const id = `${options.create ? 'c' : 'r'}:${userConfigDir(options.env)}`;
  let entry = cache.get(id);
  if (!entry) {
    entry = loadUserKey(options).then((key) => (key ? provenanceFromKey(key) : undefined));
    // A failure (a damaged file) is not cached: fixing the file fixes the next call.
    entry.catch(() => cache.delete(id));
    // A read-only lookup that found nothing is not cached either: a later run may make the key.
    void entry.then((found) => {
      if (!found) cache.delete(id);
    }, () => undefined);
    cache.set(id, entry);
  }
  return entry;
}
