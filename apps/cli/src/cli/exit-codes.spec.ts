import { ValidationError } from '@sigstore/bundle';
import { InternalError } from '@sigstore/sign';
import { PolicyError, VerificationError } from '@sigstore/verify';
import { CliError, ExitCode, exitCodeFor, exitCodeForStatus } from './exit-codes';

// The shape of @sigstore/sign's (unexported) HTTPError: `(status) message` with statusCode.
const httpError = (status: number) =>
  Object.assign(new Error(`(${status}) nope`), { statusCode: status });
const signingError = (
  code: 'CA_CREATE_SIGNING_CERTIFICATE_ERROR' | 'TLOG_CREATE_ENTRY_ERROR',
  cause: unknown,
) => new InternalError({ code, message: 'error creating signing certificate', cause });

describe(exitCodeFor.name, () => {
  it('keeps the code of a CliError', () => {
    expect(exitCodeFor(new CliError(ExitCode.denied, 'x'))).toBe(3);
    expect(exitCodeFor(new CliError(ExitCode.usage, 'x'))).toBe(64);
  });

  it('maps sigstore-js verification, policy and bundle errors to 1', () => {
    expect(exitCodeFor(new VerificationError({ code: 'SIGNATURE_ERROR', message: 'x' }))).toBe(1);
    expect(exitCodeFor(new PolicyError({ code: 'UNTRUSTED_SIGNER_ERROR', message: 'x' }))).toBe(1);
    expect(exitCodeFor(new ValidationError('invalid bundle', ['x']))).toBe(1);
  });

  it('maps CA and log answers by status: 403 → 3, 5xx/408/429 → 4, other 4xx → 2', () => {
    const ca = (status: number) =>
      exitCodeFor(signingError('CA_CREATE_SIGNING_CERTIFICATE_ERROR', httpError(status)));
    expect(ca(403)).toBe(ExitCode.denied);
    expect(ca(503)).toBe(ExitCode.unavailable);
    expect(ca(500)).toBe(ExitCode.unavailable);
    expect(ca(429)).toBe(ExitCode.unavailable);
    expect(ca(408)).toBe(ExitCode.unavailable);
    expect(ca(401)).toBe(ExitCode.error);
    expect(ca(400)).toBe(ExitCode.error);
    expect(exitCodeFor(signingError('TLOG_CREATE_ENTRY_ERROR', httpError(403)))).toBe(3);
  });

  it('maps a CA or log call that got no answer (connection refused) to 4', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(exitCodeFor(signingError('CA_CREATE_SIGNING_CERTIFICATE_ERROR', refused))).toBe(4);
    expect(exitCodeFor(signingError('TLOG_CREATE_ENTRY_ERROR', refused))).toBe(4);
  });

  it('maps parseArgs errors to 64 and anything else to 2', () => {
    expect(
      exitCodeFor(Object.assign(new TypeError('x'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' })),
    ).toBe(64);
    expect(
      exitCodeFor(
        new InternalError({ code: 'IDENTITY_TOKEN_READ_ERROR', message: 'x', cause: new Error() }),
      ),
    ).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(2);
    expect(exitCodeFor('a string')).toBe(2);
  });
});

describe(exitCodeForStatus.name, () => {
  it.each([
    [403, 3],
    [404, 2],
    [409, 2],
    [500, 4],
    [502, 4],
    [429, 4],
  ])('%d → %d', (status, code) => expect(exitCodeForStatus(status)).toBe(code));
});
