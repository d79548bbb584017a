import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODE_NAMES } from './diagnosticCodes';

describe('diagnostic codes', () => {
  const docs = readFileSync(join(__dirname, '../../../docs/diagnostics.md'), 'utf8');

  it('are each documented under their own heading in docs/diagnostics.md', () => {
    const headings = new Set([...docs.matchAll(/^### ([\w-]+)$/gm)].map((m) => m[1]));
    for (const code of DIAGNOSTIC_CODE_NAMES) assert.ok(headings.has(code), `docs/diagnostics.md has no section for ${code}`);
    for (const heading of headings) assert.ok(DIAGNOSTIC_CODE_NAMES.includes(heading as never), `docs/diagnostics.md documents an unknown code ${heading}`);
  });

  it('are lower-case words joined by dashes (stable, usable in comments and settings)', () => {
    for (const code of DIAGNOSTIC_CODE_NAMES) assert.match(code, /^[a-z]+(-[a-z]+)*$/);
  });
});
