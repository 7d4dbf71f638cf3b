#!/usr/bin/env node
/* `signet`: the command line for CI and people. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caInit, caInitHelp, UsageError } from './ca/ca-init';

const usage = `signet: sign and verify with a Signet instance

Usage:
  signet ca init --out DIR [options]   create a CA root and intermediate (signet ca init --help)
  signet --version
  signet --help
`;

const EXIT_USAGE = 64;

async function main(argv: string[]): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const [first, second, ...rest] = argv;
  if (first === '--version') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    out(pkg.version);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  if (first === 'ca' && second === 'init') return caInit(rest, out);
  if (first === 'ca') {
    process.stdout.write(caInitHelp);
    return second === undefined || second === '--help' ? 0 : EXIT_USAGE;
  }
  process.stderr.write(`signet: unknown command "${first}"\n\n${usage}`);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    const usageError =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`signet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = usageError ? EXIT_USAGE : 1;
  },
);
