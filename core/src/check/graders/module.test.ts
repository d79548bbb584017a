import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createModuleGrader, isEsModule, moduleResult } from './module';
import type { GraderEnvironment } from './types';

describe('module grader', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'inoculate-module-'));
    mkdirSync(path.join(dir, 'esm'));
    writeFileSync(path.join(dir, 'esm', 'package.json'), '{"type": "module"}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const environment = (trusted = true): GraderEnvironment => ({
    baseDir: dir,
    workspaceTrusted: trusted,
    chat: async () => '',
    moderate: async () => ({ scores: {}, flagged: false }),
    warn: () => undefined,
  });
  const write = (name: string, source: string) => writeFileSync(path.join(dir, name), source);
  const grade = (file: string, response: string, env = environment()) =>
    createModuleGrader({ type: 'module', path: file }, env).grade({
      item: { expected: 'spanish' },
      messages: [],
      response,
      signal: new AbortController().signal,
    });

  it('runs a CommonJS grade(item, response) that returns a boolean', async () => {
    write('bool.js', 'exports.grade = (item, response) => /hola/i.test(response) && item.expected === "spanish";');
    assert.deepEqual(await grade('bool.js', 'Hola amigo'), { behavior: true, detail: 'bool.js: behaviour' });
    assert.deepEqual(await grade('bool.js', 'Hello'), { behavior: false, detail: 'bool.js: no behaviour' });
  });

  it('runs an async ES module returning a full result', async () => {
    write('full.mjs', 'export async function grade(item, response) { return { behavior: response.length > 3, capability: true, score: response.length, detail: "len " + response.length }; }');
    assert.deepEqual(await grade('full.mjs', 'hello'), { behavior: true, capability: true, score: 5, detail: 'len 5' });
    write('esm/plain.js', 'export default function (item, response) { return response === "yes"; }');
    assert.equal(isEsModule(path.join(dir, 'esm', 'plain.js')), true);
    assert.equal(isEsModule(path.join(dir, 'bool.js')), false);
    assert.equal((await grade('esm/plain.js', 'yes')).behavior, true);
  });

  it('loads the module afresh for every new grader, so edits apply', async () => {
    for (const name of ['edit.js', 'edit.mjs']) {
      const keyword = name.endsWith('.mjs') ? 'export function grade() { return true; }' : 'exports.grade = () => true;';
      write(name, keyword);
      const before = createModuleGrader({ type: 'module', path: name }, environment());
      assert.equal((await grade(name, 'x')).behavior, true);
      write(name, keyword.replace('true', 'false'));
      assert.equal((await grade(name, 'x')).behavior, false, name);
      assert.notEqual(createModuleGrader({ type: 'module', path: name }, environment()).fingerprint, before.fingerprint);
    }
  });

  it('names the module when its result has the wrong shape', async () => {
    write('shape.js', 'exports.grade = (item, response) => response === "a" ? "yes" : { behavior: true, score: "high" };');
    await assert.rejects(grade('shape.js', 'a'), /grader module `shape\.js` returned "yes" from grade\(\); expected true\/false or \{behavior: boolean/);
    await assert.rejects(grade('shape.js', 'b'), /`shape\.js` returned .* from grade\(\): `score` must be a number/);
    assert.throws(() => moduleResult({ capability: true }, 'm.js'), /`behavior` must be true or false/);
  });

  it('names the module when it throws, is missing, or has no grade export', async () => {
    write('throws.js', 'exports.grade = () => { throw new Error("boom"); };');
    await assert.rejects(grade('throws.js', 'x'), /The grader module `throws\.js` threw: boom/);
    await assert.rejects(grade('missing.js', 'x'), /`missing\.js` was not found/);
    write('nothing.js', 'exports.other = 1;');
    await assert.rejects(grade('nothing.js', 'x'), /`nothing\.js` does not export a `grade\(item, response\)` function/);
    write('syntax.js', 'exports.grade = (');
    await assert.rejects(grade('syntax.js', 'x'), /`syntax\.js` could not be loaded/);
    assert.throws(() => createModuleGrader({ type: 'module', path: 'grader.ts' }, environment()), /must name a \.js, \.cjs or \.mjs file/);
    assert.throws(() => createModuleGrader({ type: 'module' }, environment()), /needs `path`/);
  });

  it('refuses to run in an untrusted workspace (and does not load the module)', async () => {
    const marker = path.join(dir, 'loaded-marker');
    write('sideeffect.js', `require("fs").writeFileSync(${JSON.stringify(marker)}, "x"); exports.grade = () => true;`);
    await assert.rejects(grade('sideeffect.js', 'x', environment(false)), /Refusing to run the grader module `sideeffect\.js`: this workspace is not trusted/);
    assert.equal(existsSync(marker), false);
  });
});
