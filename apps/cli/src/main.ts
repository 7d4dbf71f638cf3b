#!/usr/bin/env node
/* `signet`: the command line for CI and people. Commands are added by the CLI issue; this entry
   point exists so the package's `bin` resolves from the first commit on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const usage = `signet: sign and verify with a Signet instance

Usage:
  signet --version
  signet --help
`;

function main(argv: string[]): number {
  const [first] = argv;
  if (first === '--version') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(`signet: unknown command "${first}"\n\n${usage}`);
  return 64;
}

process.exitCode = main(process.argv.slice(2));
