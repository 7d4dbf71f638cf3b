/* Exit codes of `signet`, one per outcome a CI job may want to branch on. */
import { InternalError } from '@sigstore/sign';
import { PolicyError, VerificationError } from '@sigstore/verify';
import { ValidationError } from '@sigstore/bundle';

/** Process exit codes (documented in `signet --help` and the README). */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** A signature, bundle, certificate, log proof or identity did not verify. */
  verificationFailed: 1,
  /** Any other failure: an unreadable input, a request refused with a 4xx other than 403. */
  error: 2,
  /** The CA or the log refused the identity under its policy (HTTP 403). */
  denied: 3,
  /** The CA, the log or the token endpoint is unreachable, timed out, or answered 5xx/429. */
  unavailable: 4,
  /** Bad command-line usage (EX_USAGE). */
  usage: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that knows its exit code; its message is shown to the user as is. */
export class CliError extends Error {
  /** A stable name of the failed check for --json (e.g. sigstore-js's `SIGNATURE_ERROR`). */
  readonly code?: string;

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options: { cause?: unknown; code?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    if (options.code !== undefined) this.code = options.code;
  }
}

/** Bad command-line usage (exit 64). */
export const usageError = (message: string): CliError => new CliError(ExitCode.usage, message);

/** A failed verification (exit 1); `code` names the check for --json. */
export const verificationFailed = (message: string, code: string, cause?: unknown): CliError =>
  new CliError(ExitCode.verificationFailed, message, { cause, code });

/** The exit code for an HTTP status from the CA, the log or a token endpoint. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 403) return ExitCode.denied;
  if (status >= 500 || status === 408 || status === 429) return ExitCode.unavailable;
  return ExitCode.error;
}

/**
 * Maps any error thrown while running a command to an exit code: {@link CliError} carries its
 * own; sigstore-js verification and bundle errors are failed verifications; sigstore-js signing
 * errors are mapped by the HTTP status of their cause, and a cause without one (connection
 * refused, DNS, timeout) means the service is unavailable; argument errors are usage errors.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (
    err instanceof VerificationError ||
    err instanceof PolicyError ||
    err instanceof ValidationError
  ) {
    return ExitCode.verificationFailed;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return ExitCode.usage;
  if (err instanceof InternalError) {
    const status = (err.cause as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof status === 'number') return exitCodeForStatus(status);
    if (REMOTE_CALLS.has(err.code)) return ExitCode.unavailable;
  }
  return ExitCode.error;
}

// sigstore-js error codes for calls to the CA and the log: without an HTTP status, the call never
// got an answer.
const REMOTE_CALLS = new Set<string>([
  'CA_CREATE_SIGNING_CERTIFICATE_ERROR',
  'TLOG_CREATE_ENTRY_ERROR',
  'TLOG_FETCH_ENTRY_ERROR',
]);
