/**
 * The end-to-end suite's entry (`extensionTestsPath` = out/e2e/index.js): the VS Code extension host calls `run()`
 * and waits for it. Test files are bundled into this file, so they are required here after mocha's globals exist.
 * Ends with the CI-readable line `N passed, N failed` (the runner relays it).
 */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.INOCULATE_E2E_GREP;
  if (grep) mocha.grep(grep);
  // What `mocha.addFile` + `loadFiles` would do for each file: expose describe/it/... before the file runs.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'e2e', mocha);
  if (process.env.INOCULATE_E2E_UNTRUSTED === '1') {
    // The runner's --untrusted pass: restricted mode only (the other files expect a trusted workspace).
    require('./untrusted.test');
  } else {
    require('./activation.test');
    require('./language.test');
    require('./editing.test');
    require('./commands.test');
    require('./grammar.test');
    require('./check.test');
    require('./workflow.test');
    require('./training.test');
    require('./evaluation.test');
    require('./screenshot.test');
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      if (failures) reject(new Error(`${failures} end-to-end tests failed.`));
      else if (passes === 0) reject(new Error('No end-to-end test ran (check --grep).'));
      else resolve();
    });
  });
}
