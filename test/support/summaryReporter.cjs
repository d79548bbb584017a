// Mocha reporter: the usual spec output, plus the counts written as JSON to $INOCULATE_TEST_SUMMARY so
// test/run-all.mjs can add up every suite into one closing line.
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.INOCULATE_TEST_SUMMARY;
      if (!file) return;
      const { passes, failures, pending } = runner.stats ?? this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}

module.exports = SummaryReporter;
