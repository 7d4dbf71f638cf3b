/* What a command may touch of the outside world, passed in so that tests can replace it. */

/** The process environment, output streams and `fetch` a command runs with. */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  /** Writes one line of the command's result to stdout. */
  print(line: string): void;
  /** Writes one human-readable status line to stderr. */
  status(line: string): void;
  readonly fetch: typeof fetch;
}

/** The context of the running process. */
export function processContext(): CliContext {
  return {
    env: process.env,
    print: (line) => void process.stdout.write(`${line}\n`),
    status: (line) => void process.stderr.write(`${line}\n`),
    fetch: globalThis.fetch,
  };
}
