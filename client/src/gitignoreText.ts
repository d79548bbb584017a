/** The `.gitignore` line that keeps check results out of git, checked and added without touching other lines. Pure. */

/** True when `existing` (a .gitignore's text) already ignores `entry` (`.inoculate/`), with or without the slash. */
export function ignoresEntry(existing: string, entry: string): boolean {
  const bare = entry.replace(/\/$/, '');
  return existing.split(/\r?\n/).some((line) => {
    const trimmed = line.trim();
    return trimmed === entry || trimmed === bare || trimmed === `/${entry}` || trimmed === `/${bare}`;
  });
}

/** `existing` with `entry` appended on a line of its own (keeping the file's line endings); a new file holds only it. */
export function withEntry(existing: string | undefined, entry: string): string {
  if (existing === undefined || existing === '') return `${entry}\n`;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  return `${existing}${/\r?\n$/.test(existing) ? '' : eol}${entry}${eol}`;
}
