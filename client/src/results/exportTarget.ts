/** How the results view shows a file it just exported (an export is never silent). Pure. */

/** Exports up to this size open in an editor; larger ones are revealed instead (a huge CSV wants a tool made for it). */
export const OPEN_EXPORT_MAX_BYTES = 5 * 1024 * 1024;

/** What to do with an export of `bytes` written `inWorkspace` (a workspace folder) or elsewhere. */
export function afterExport(bytes: number, inWorkspace: boolean): 'open' | 'reveal-in-explorer' | 'reveal-in-os' {
  if (bytes <= OPEN_EXPORT_MAX_BYTES) return 'open';
  return inWorkspace ? 'reveal-in-explorer' : 'reveal-in-os';
}
