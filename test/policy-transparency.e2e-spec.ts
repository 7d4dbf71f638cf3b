/* Policy transparency (issue 17): each policy version is committed to the instance's own log
   before it takes effect, and every certificate names the version and rule that allowed it. */
import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import request from 'supertest';
import {
  certificatesFromPem,
  decodePolicyExtension,
  parseCertificate,
  POLICY_EXTENSION_OID,
  type PolicySnapshot,
  policyStatementBytes,
} from '@app/signing';
import { clientKey, proofOf, signingCertRequest } from './support/ca-fixtures';
import { startStack, type Stack } from './support/stack';

const RULES = [{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: 'alice@example.com' }];

describe('policy transparency', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(RULES, [], { CA_POLICY_LOG: 'true' });
  });
  afterAll(() => stack.close());

  it('logs version 1 before it takes effect: the log holds the signed statement of its snapshot', async () => {
    const [row] = await stack.db.query<{
      version: string;
      digest: Buffer;
      snapshot: Buffer;
      log_uuid: string;
      log_index: string;
    }>('SELECT version, digest, snapshot, log_uuid, log_index FROM policy_version');
    expect(row?.version).toBe('1');
    expect(createHash('sha256').update(row!.snapshot).digest()).toEqual(row!.digest);
    const snapshot = JSON.parse(row!.snapshot.toString()) as PolicySnapshot;
    expect(snapshot).toMatchObject({ version: 1, previous: null, actor: { kind: 'file' } });
    expect((snapshot.rules as Array<{ name: string }>).map((r) => r.name)).toEqual(['alice']);

    const res = await request(stack.logUrl).get(`/api/v1/log/entries/${row!.log_uuid}`).expect(200);
    const entry = (res.body as Record<string, { body: string; logIndex: number }>)[row!.log_uuid]!;
    expect(String(entry.logIndex)).toBe(row!.log_index);
    const body = JSON.parse(Buffer.from(entry.body, 'base64').toString()) as {
      kind: string;
      spec: { payloadHash: { value: string }; signatures: Array<{ verifier: string }> };
    };
    expect(body.kind).toBe('dsse');
    const statement = policyStatementBytes(snapshot, row!.digest.toString('hex'));
    expect(body.spec.payloadHash.value).toBe(createHash('sha256').update(statement).digest('hex'));
    expect(Buffer.from(body.spec.signatures[0]!.verifier, 'base64').toString()).toBe(
      stack.policyKeyPem,
    );
  });

  it('names the policy version and rule in the certificate and the issuance record, with its CT entry', async () => {
    const key = clientKey();
    const token = await stack.fx.email.mint({
      sub: 'user-1',
      email: 'alice@example.com',
      email_verified: true,
    });
    const res = await request(stack.caUrl)
      .post('/api/v2/signingCert')
      .send(signingCertRequest(token, key, proofOf(key, 'alice@example.com')))
      .expect(201);
    const pem = (
      res.body as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } }
    ).signedCertificateEmbeddedSct.chain.certificates[0]!;
    const der = certificatesFromPem(pem)[0]!;
    const extension = parseCertificate(der).extensions.find((e) => e.oid === POLICY_EXTENSION_OID);
    expect(extension?.critical).toBe(false);
    const [version] = await stack.db.query<{ digest: Buffer }>(
      'SELECT digest FROM policy_version WHERE version = 1',
    );
    const [rule] = await stack.db.query<{ id: string }>(
      "SELECT id FROM iam_rule WHERE name = 'alice'",
    );
    expect(decodePolicyExtension(extension!.value)).toEqual({
      version: 1,
      digest: version!.digest.toString('hex'),
      rule: 'alice',
      ruleId: rule!.id,
    });

    const serial = new X509Certificate(Buffer.from(der)).serialNumber.toLowerCase();
    const [issued] = await stack.db.query<{ policy_version: string; ct_leaf_hash: Buffer }>(
      'SELECT policy_version, ct_leaf_hash FROM issuance WHERE serial = $1',
      [serial.replace(/^0+/, '')],
    );
    expect(issued?.policy_version).toBe('1');
    const sth = await request(stack.logUrl).get('/ct/v1/get-sth').expect(200);
    const proof = await request(stack.logUrl)
      .get('/ct/v1/get-proof-by-hash')
      .query({
        hash: issued!.ct_leaf_hash.toString('base64'),
        tree_size: (sth.body as { tree_size: number }).tree_size,
      })
      .expect(200);
    expect(proof.body).toMatchObject({ leaf_index: 0 });
  });
});
