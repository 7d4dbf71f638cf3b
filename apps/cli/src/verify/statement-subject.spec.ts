import { checkStatementSubject } from './statement-subject';

const SHA = 'ab'.repeat(32);
const envelope = (payload: unknown, payloadType = 'application/vnd.in-toto+json') => ({
  payloadType,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  signatures: [],
});
const statement = (subject: unknown) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject,
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {},
});

describe(checkStatementSubject.name, () => {
  it('accepts a statement with a subject of the file digest (any case) among others', () => {
    const env = envelope(
      statement([
        { name: 'a', digest: { sha256: '00'.repeat(32) } },
        { name: 'b', digest: { sha256: SHA.toUpperCase() } },
      ]),
    );
    expect(checkStatementSubject(env, SHA)).toMatchObject({
      predicateType: 'https://slsa.dev/provenance/v1',
    });
  });

  it.each([
    [
      'another digest',
      envelope(statement([{ name: 'a', digest: { sha256: '00'.repeat(32) } }])),
      'SUBJECT_DIGEST_MISMATCH',
    ],
    [
      'only a sha512',
      envelope(statement([{ name: 'a', digest: { sha512: SHA } }])),
      'SUBJECT_DIGEST_MISMATCH',
    ],
    ['another payload type', envelope(statement([]), 'text/plain'), 'STATEMENT_ERROR'],
    ['a payload that is not JSON', envelope('{'), 'STATEMENT_ERROR'],
    ['no subject', envelope({ predicateType: 'x' }), 'STATEMENT_ERROR'],
  ])('fails (exit 1) for %s', (_what, env, code) => {
    expect(() => checkStatementSubject(env, SHA)).toThrow(
      expect.objectContaining({ exitCode: 1, code }),
    );
  });
});
