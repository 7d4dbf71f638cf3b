// Prints the plain closing line `tests: N passed, N failed` (N skipped) that CI reads, as the very
// last line of the run (after Jest's own summary).
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.once('exit', () =>
      writeSync(1, `${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`),
    );
  }
}
module.exports = SummaryReporter;
