/**
 * Writes `manifest.ts`'s sections into package.json, leaving every other key (owned by others) as it is on disk.
 * Run: `npx tsx client/src/syncManifest.ts`. The read, change and write happen at once, so no stale copy is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVATION_EVENTS, CAPABILITIES, CONTRIBUTES } from './manifest';

/** The keys this client owns in package.json. */
export const OWNED_KEYS = ['activationEvents', 'contributes', 'capabilities'] as const;

/** `packageJson` (the file's text) with the owned keys replaced; the others keep their values and order. */
export function syncManifest(packageJson: string): string {
  const manifest = JSON.parse(packageJson) as Record<string, unknown>;
  const owned: Record<(typeof OWNED_KEYS)[number], unknown> = {
    activationEvents: ACTIVATION_EVENTS,
    contributes: CONTRIBUTES,
    capabilities: CAPABILITIES,
  };
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(manifest)) result[key] = key in owned ? owned[key as keyof typeof owned] : value;
  // New keys go right after `activationEvents` (or at the end), where a reader of the manifest expects them.
  for (const key of OWNED_KEYS) if (!(key in result)) result[key] = owned[key];
  return `${JSON.stringify(result, null, 2)}\n`;
}

if (require.main === module) {
  const path = join(__dirname, '../../package.json');
  const before = readFileSync(path, 'utf8');
  const after = syncManifest(before);
  if (after === before) console.log('package.json: contributes, activationEvents and capabilities already up to date');
  else {
    writeFileSync(path, after);
    console.log('package.json: wrote contributes, activationEvents and capabilities');
  }
}
