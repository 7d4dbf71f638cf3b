import { generateKeyPair, KeyObjectSigner, policyStatementBytes } from '@app/signing';
import { checkChain } from './policy-chain';
import { checkStatementEntry } from './statement-entry';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { LogEntry } from '../log/log-api';
import { storedChain, type TestLog, testLog, trustedRootOf } from './testing';

/** Checks `entry` of `log` as the entry of `statement`, by the log's policy key. */
const check = (
  log: TestLog,
  statement: Uint8Array,
  uuid: string,
  entry: LogEntry,
  root: TrustedRoot,
) => checkStatementEntry(statement, uuid, entry, log.policySigner.publicKey, root);

const statementOf = (n: number) => checkChain(storedChain(n)).versions[n - 1]!.statement!;

describe(checkStatementEntry.name, () => {
  it('accepts the entry of a statement signed by the policy key, and proves when it was logged', async () => {
    const log = testLog();
    const statement = statementOf(2);
    const { uuid, entry } = await log.entry(statement, { integratedTime: 1_800_000_000 });
    expect(check(log, statement, uuid, entry, log.root)).toEqual({
      problems: [],
      proof: { uuid, logIndex: entry.logIndex, integratedTime: 1_800_000_000 },
    });
  });

  it("refuses an entry of another statement: a version's tampered snapshot", async () => {
    const log = testLog();
    const { uuid, entry } = await log.entry(statementOf(1));
    const other = policyStatementBytes(
      JSON.parse(Buffer.from(storedChain(1)[0]!.snapshotBytes).toString()) as never,
      'e'.repeat(64),
    );
    const { problems } = check(log, other, uuid, entry, log.root);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^log entry ${uuid} holds the payload [0-9a-f]{64}, not this version's statement [0-9a-f]{64}$`,
        ),
      ),
      `log entry ${uuid}: signature 0 does not verify with the policy key`,
    ]);
  });

  it('refuses a statement signed by a key other than the policy key', async () => {
    const log = testLog();
    const intruder = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
    const statement = statementOf(1);
    const { uuid, entry } = await log.entry(statement, { signer: intruder });
    const { problems } = check(log, statement, uuid, entry, log.root);
    expect(problems).toEqual([
      expect.stringMatching(
        /^log entry .*: signature 0 is by key [0-9a-f]{64}, not the policy key [0-9a-f]{64}$/,
      ),
    ]);
  });

  it('refuses an entry whose SET or checkpoint is not by a log key of the trusted root', async () => {
    const log = testLog();
    const statement = statementOf(1);
    const { uuid, entry } = await log.entry(statement);
    const stranger = trustedRootOf(generateKeyPair('ecdsa-p256-sha256').publicKey);
    const result = check(log, statement, uuid, entry, stranger);
    expect(result.proof).toBeUndefined();
    expect(result.problems).toEqual([
      `log entry ${uuid}: its log ID ${entry.logID} is no log key of the trusted root`,
      expect.stringMatching(
        /^log entry .*: its inclusion proof does not verify: its checkpoint does not verify/,
      ),
    ]);
  });

  it('refuses a forged integration time (the SET no longer covers it) and a broken proof', async () => {
    const log = testLog();
    const statement = statementOf(1);
    const { uuid, entry } = await log.entry(statement);
    const proof = entry.verification!.inclusionProof!;
    const forged = {
      ...entry,
      integratedTime: entry.integratedTime - 3600,
      verification: {
        ...entry.verification,
        inclusionProof: { ...proof, hashes: proof.hashes.map(() => '00'.repeat(32)) },
      },
    };
    const result = check(log, statement, uuid, forged, log.root);
    expect(result.proof).toBeUndefined();
    expect(result.problems).toEqual([
      `log entry ${uuid}: its signed entry timestamp does not verify: signed entry timestamp does not verify`,
      expect.stringMatching(/^log entry .*: its inclusion proof does not verify: /),
    ]);
  });

  it('refuses a UUID that is not the leaf hash of the body answered', async () => {
    const log = testLog();
    const statement = statementOf(1);
    const { entry } = await log.entry(statement);
    const wrong = `${'0'.repeat(16)}${'ab'.repeat(32)}`;
    expect(check(log, statement, wrong, entry, log.root).problems).toEqual([
      `log entry ${wrong} is not the entry whose body the log answered`,
    ]);
  });
});
