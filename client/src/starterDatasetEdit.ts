/**
 * Pointing a file's `check.dataset` at a new starter dataset: the frontmatter's YAML with that key set. A template's
 * commented-out `# check:` block is switched on (its other lines kept) rather than repeated; any other frontmatter
 * gets the key through the YAML library, comments kept. Pure.
 */
import { isMap, parseDocument } from 'yaml';

/** The template's commented-out check block: `# check:` and the `#   key: value` lines under it. */
const COMMENTED_CHECK = /^# check:[ \t]*\r?\n((?:#(?: {2,}|\t).*\r?\n?)+)/m;

/**
 * `yaml` (a frontmatter's content, fences excluded) with `check.dataset` set to `path`; undefined when the YAML does
 * not parse or `check` is not a map (the user's file then needs the user).
 */
export function frontmatterWithDataset(yaml: string, path: string): string | undefined {
  const document = parseDocument(yaml);
  if (document.errors.length) return undefined;
  const check = document.get('check', true);
  const quoted = JSON.stringify(path);
  if (check === undefined || check === null) {
    const commented = COMMENTED_CHECK.exec(yaml);
    if (commented) {
      const lines = commented[1]!
        .split(/(?<=\n)/)
        .filter((line) => line.trim() !== '')
        .map((line) => line.replace(/^# ?/, ''))
        .map((line) => (/^\s+dataset:/.test(line) ? line.replace(/dataset:.*?(\r?\n)?$/, (_m, eol: string | undefined) => `dataset: ${quoted}${eol ?? ''}`) : line));
      if (!lines.some((line) => /^\s+dataset:/.test(line))) lines.unshift(`  dataset: ${quoted}\n`);
      const block = `check:\n${lines.join('')}${lines.at(-1)!.endsWith('\n') ? '' : '\n'}`;
      const replaced = yaml.slice(0, commented.index) + block + yaml.slice(commented.index + commented[0].length);
      return parseDocument(replaced).errors.length ? undefined : replaced;
    }
  } else if (!isMap(check)) {
    return undefined;
  }
  document.setIn(['check', 'dataset'], path);
  return document.toString();
}
