/**
 * The grammar as VS Code runs it: tokenized by the vscode-textmate and vscode-oniguruma that ship inside this VS Code,
 * with the YAML and Python grammars of its built-in extensions (found through their contributions, as VS Code does).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceUri } from './helpers';

interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface Grammar {
  tokenizeLine(line: string, state: unknown): { tokens: Token[]; ruleStack: unknown };
}
interface TextMate {
  Registry: new (options: { onigLib: Promise<unknown>; loadGrammar(scope: string): Promise<unknown> }) => { loadGrammar(scope: string): Promise<Grammar | null> };
  INITIAL: unknown;
  parseRawGrammar(content: string, path: string): unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  createOnigScanner(patterns: string[]): unknown;
  createOnigString(text: string): unknown;
}

/** Grammar files by scope name, from every installed extension's `contributes.grammars`. */
function contributedGrammars(): Map<string, string> {
  const grammars = new Map<string, string>();
  for (const extension of vscode.extensions.all) {
    for (const grammar of extension.packageJSON?.contributes?.grammars ?? []) {
      if (grammar.scopeName && grammar.path) grammars.set(grammar.scopeName, vscode.Uri.joinPath(extension.extensionUri, grammar.path).fsPath);
    }
  }
  return grammars;
}

/** Each token of each line as `text => scopes`. */
type Tokenized = Array<{ line: number; text: string; scopes: string[] }>;

describe('the TextMate grammar in VS Code', function () {
  let tokens: Tokenized;

  before(async function () {
    // The engine is VS Code's own; in a VS Code that does not ship it where expected the test cannot run.
    const requireFromVscode = createRequire(join(vscode.env.appRoot, 'package.json'));
    const textmate = requireFromVscode('vscode-textmate') as TextMate;
    const oniguruma = requireFromVscode('vscode-oniguruma') as Oniguruma;
    const wasm = readFileSync(join(requireFromVscode.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files = contributedGrammars();
    const ours = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.grammars[0];
    assert.equal(files.get('source.inoc'), vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, ours.path).fsPath);
    for (const embedded of ['source.yaml', 'source.python']) assert.ok(files.has(embedded), `no built-in grammar for ${embedded}`);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({ createOnigScanner: oniguruma.createOnigScanner, createOnigString: oniguruma.createOnigString }),
      loadGrammar: async (scope) => {
        const file = files.get(scope);
        return file ? textmate.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
      },
    });
    const grammar = await registry.loadGrammar('source.inoc');
    assert.ok(grammar);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('examples', 'reward-hacking.inoc')));
    const extra = ['', '## with-python', '```python', 'def f(x): return 42', '```', '## after-fence', '<!-- inoculate-disable hedged-request, off-behavior -->', 'Use {{ problem }} here.'];
    tokens = [];
    let state = textmate.INITIAL;
    [...text.split(/\r?\n/), ...extra].forEach((line, index) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      for (const token of result.tokens) tokens.push({ line: index, text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    });
  });

  const scopesOf = (text: string, nth = 0) => {
    const found = tokens.filter((t) => t.text === text)[nth];
    assert.ok(found, `no token '${text}'`);
    return found.scopes;
  };

  it('tokenizes the frontmatter as embedded YAML', () => {
    assert.ok(scopesOf('behavior').includes('meta.embedded.block.yaml'));
    assert.ok(scopesOf('behavior').some((s) => s.startsWith('entity.name.tag.yaml')), scopesOf('behavior').join(' '));
    assert.ok(scopesOf('reward-hacking').some((s) => s.startsWith('string.')), scopesOf('reward-hacking').join(' '));
    // The YAML comment and block scalar stay YAML; the `## Test Case:` inside the template is not a variant.
    assert.ok(!tokens.some((t) => t.text === 'Test Case:' && t.scopes.includes('entity.name.section.variant.inoc')));
  });

  it('highlights placeholders inside the YAML template', () => {
    const inoculation = scopesOf('inoculation');
    assert.ok(inoculation.includes('variable.language.inoculation.inoc'), inoculation.join(' '));
    assert.ok(scopesOf('problem').includes('variable.other.placeholder.inoc'), scopesOf('problem').join(' '));
  });

  it('scopes variant names and the (control) marker', () => {
    assert.deepEqual(scopesOf('test-specific'), ['source.inoc', 'markup.heading.variant.inoc', 'entity.name.section.variant.inoc']);
    assert.deepEqual(scopesOf('irrelevant'), ['source.inoc', 'markup.heading.variant.inoc', 'entity.name.section.variant.inoc']);
    assert.deepEqual(scopesOf('control'), ['source.inoc', 'markup.heading.variant.inoc', 'storage.modifier.control.inoc']);
  });

  it('embeds Python in a ```python fence and ends the fence where it closes', () => {
    const def = scopesOf('def');
    assert.ok(def.includes('meta.embedded.block.python'), def.join(' '));
    assert.ok(def.some((s) => s.startsWith('storage.type.function.python')), def.join(' '));
    assert.deepEqual(scopesOf('after-fence'), ['source.inoc', 'markup.heading.variant.inoc', 'entity.name.section.variant.inoc']);
  });

  it('marks comments, inoculate-disable directives and their codes', () => {
    assert.ok(tokens.some((t) => t.scopes.includes('comment.block.html.inoc') && /irrelevant-instruction baseline/.test(t.text)));
    assert.ok(scopesOf('inoculate-disable').includes('keyword.control.directive.inoculate-disable.inoc'));
    assert.ok(scopesOf('hedged-request').includes('constant.other.diagnostic-code.inoc'));
    assert.ok(scopesOf('off-behavior').includes('constant.other.diagnostic-code.inoc'));
  });

  it('highlights placeholders in variant text', () => {
    const last = tokens.filter((t) => t.text === 'problem').at(-1)!;
    assert.ok(last.scopes.includes('variable.other.placeholder.inoc'));
    assert.ok(!last.scopes.includes('meta.embedded.block.yaml'));
  });
});
