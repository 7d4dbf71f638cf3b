import { buildLeaf, parseCertificate, type PolicyReference } from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { checkCertificate, type VersionInForce } from './certificate-policy';
import { aliceRule, storedChain } from './testing';

const NOT_BEFORE = new Date('2026-06-01T12:00:00Z');
const seconds = (d: Date) => d.getTime() / 1000;

describe(checkCertificate.name, () => {
  let pki: TestPki;
  let chain: Map<number, VersionInForce>;
  const [v1, v2] = storedChain(2);

  beforeAll(async () => {
    pki = await testPki({ now: NOT_BEFORE });
  });
  beforeEach(() => {
    chain = new Map([
      [
        1,
        {
          version: 1,
          digest: v1!.digest,
          rules: [aliceRule],
          loggedAt: seconds(NOT_BEFORE) - 3600,
        },
      ],
      [
        2,
        {
          version: 2,
          digest: v2!.digest,
          rules: [aliceRule],
          loggedAt: seconds(NOT_BEFORE) + 3600,
        },
      ],
    ]);
  });

  const reference = (overrides: Partial<PolicyReference> = {}): PolicyReference => ({
    version: 1,
    digest: v1!.digest,
    rule: 'alice',
    ruleId: 'rule-alice',
    ...overrides,
  });
  const leaf = async (policy: PolicyReference | undefined, notBefore = NOT_BEFORE) =>
    buildLeaf(
      testLeafRequest(pki, notBefore, policy === undefined ? {} : { policy }),
    ).certificate();
  const check = async (policy: PolicyReference | undefined, notBefore = NOT_BEFORE) => {
    const der = await leaf(policy, notBefore);
    const outcome = checkCertificate(der, [parseCertificate(pki.intermediate)], chain);
    if (!outcome.issuedByInstance) throw new Error('expected a certificate of the test CA');
    return outcome;
  };

  it('ties a certificate to the version and rule that allowed it', async () => {
    const outcome = await check(reference());
    expect(outcome).toMatchObject({
      issuedByInstance: true,
      notBefore: NOT_BEFORE,
      policy: reference(),
      problems: [],
    });
  });

  it('reports a certificate issued under no policy version', async () => {
    expect(await check(undefined)).toMatchObject({
      problems: ['issued under no policy version (no policy extension)'],
    });
  });

  it('reports a version that is not in the chain, or with another digest', async () => {
    expect((await check(reference({ version: 3 }))).problems).toEqual([
      'issued under policy version 3, which is not in the chain',
    ]);
    expect((await check(reference({ digest: v2!.digest }))).problems).toEqual([
      `issued under policy version 1 with digest ${v2!.digest}, but that version's digest is ${v1!.digest}`,
    ]);
  });

  it('reports a certificate issued before its version was logged', async () => {
    expect((await check(reference({ version: 2, digest: v2!.digest }))).problems).toEqual([
      'issued at 2026-06-01T12:00:00.000Z under policy version 2, which was not in force: the log integrated it only at 2026-06-01T13:00:00.000Z',
    ]);
  });

  it('reports a certificate issued after the next version replaced its own, beyond the skew', async () => {
    chain.set(2, { ...chain.get(2)!, loggedAt: seconds(NOT_BEFORE) - 6 });
    expect((await check(reference())).problems).toEqual([
      'issued at 2026-06-01T12:00:00.000Z under policy version 1, which was not in force: version 2 replaced it at 2026-06-01T11:59:54.000Z',
    ]);
    chain.set(2, { ...chain.get(2)!, loggedAt: seconds(NOT_BEFORE) - 5 });
    expect((await check(reference())).problems).toEqual([]);
  });

  it('reports a rule the version does not have, or that is named otherwise', async () => {
    expect((await check(reference({ ruleId: 'rule-bob', rule: 'bob' }))).problems).toEqual([
      'allowed by rule "bob" (id rule-bob), which policy version 1 does not have',
    ]);
    expect((await check(reference({ rule: 'bob' }))).problems).toEqual([
      'allowed by rule "bob" (id rule-alice), but that rule of policy version 1 is named "alice"',
    ]);
  });

  it("reports a rule whose issuer or subject patterns do not allow the certificate's identity", async () => {
    chain.set(1, {
      ...chain.get(1)!,
      rules: [{ ...aliceRule, issuer: 'https://*.example.org', subject: '*@example.org' }],
    });
    expect((await check(reference())).problems).toEqual([
      'rule "alice" (id rule-alice) of policy version 1 does not allow the OIDC issuer "https://accounts.example.com" (issuer: "https://*.example.org")',
      'rule "alice" (id rule-alice) of policy version 1 does not allow the identity (SAN) "dev@example.com" (subject: "*@example.org")',
    ]);
  });

  it('leaves out certificates no CA of the trusted root issued', async () => {
    const other = await testPki({ now: NOT_BEFORE });
    const der = await leaf(reference());
    expect(checkCertificate(der, [parseCertificate(other.intermediate)], chain)).toEqual({
      issuedByInstance: false,
    });
  });
});
