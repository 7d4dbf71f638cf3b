/* Stock sigstore-js against Signet: @sigstore/sign (FulcioSigner + RekorWitness), the high-level
   `sigstore` package, and @sigstore/verify with nothing but our trusted root. */
import { bundleFromJSON, bundleToJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
} from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import * as sigstore from 'sigstore';
import { startStack, type Stack } from './support/stack';

const EMAIL = 'alice@example.com';
const data = Buffer.from('the release artifact');

describe('interoperability with stock sigstore-js', () => {
  let stack: Stack;
  let trustedRoot: Record<string, unknown>;
  let token: () => Promise<string>;
  const policy = () => ({
    subjectAlternativeName: EMAIL,
    extensions: { issuer: stack.fx.email.url },
  });
  const verifier = (root: Record<string, unknown> = trustedRoot) =>
    new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)));
  const signer = () =>
    new FulcioSigner({ fulcioBaseURL: stack.caUrl, identityProvider: { getToken: token } });
  const rekor = (entryType?: 'dsse' | 'intoto') =>
    new RekorWitness({ rekorBaseURL: stack.logUrl, entryType, fetchOnConflict: true });
  const blobBundle = () =>
    new MessageSignatureBundleBuilder({ signer: signer(), witnesses: [rekor()] }).create({ data });
  const expectFailure = (
    bundle: Bundle,
    code: string,
    root = trustedRoot,
    artifact = data,
    p = policy(),
  ) =>
    expect(() => verifier(root).verify(toSignedEntity(bundle, artifact), p)).toThrow(
      expect.objectContaining({ code }),
    );
  const clone = (bundle: Bundle) => bundleFromJSON(bundleToJSON(bundle));

  beforeAll(async () => {
    stack = await startStack([{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: EMAIL }]);
    token = () => stack.fx.email.mint({ sub: 'user-1', email: EMAIL, email_verified: true });
    const res = await fetch(`${stack.caUrl}/api/v1/trustedRoot`);
    expect(res.headers.get('content-type')).toContain(
      'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    );
    trustedRoot = (await res.json()) as Record<string, unknown>;
  });
  afterAll(async () => {
    await stack.close();
  });

  it('serves a trusted root naming the CA chain, the artifact log and the CT log, and a signing config', async () => {
    expect(trustedRoot).toMatchObject({
      tlogs: [expect.objectContaining({ baseUrl: stack.logUrl, hashAlgorithm: 'SHA2_256' })],
      ctlogs: [expect.objectContaining({ baseUrl: `${stack.logUrl}/ct` })],
      certificateAuthorities: [expect.objectContaining({ uri: stack.caUrl })],
      timestampAuthorities: [],
    });
    const config = (await (await fetch(`${stack.caUrl}/api/v1/signingConfig`)).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [expect.objectContaining({ url: stack.caUrl })],
      rekorTlogUrls: [expect.objectContaining({ url: stack.logUrl })],
    });
  });

  it('verifies a blob signature (hashedrekord) with the default thresholds', async () => {
    const bundle = await blobBundle();
    const signerInfo = verifier().verify(toSignedEntity(bundle, data), policy());
    expect(signerInfo.identity?.subjectAlternativeName).toBe(EMAIL);
  });

  it('verifies DSSE attestations logged as dsse and as intoto', async () => {
    for (const entryType of ['dsse', 'intoto'] as const) {
      const builder = new DSSEBundleBuilder({ signer: signer(), witnesses: [rekor(entryType)] });
      const bundle = await builder.create({
        data: Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}'),
        type: 'application/vnd.in-toto+json',
      });
      verifier().verify(toSignedEntity(bundle), policy());
      expect(bundle.verificationMaterial.tlogEntries[0]!.kindVersion?.kind).toBe(entryType);
    }
  });

  it('works with the high-level sigstore package sign and attest', async () => {
    const opts = { fulcioURL: stack.caUrl, rekorURL: stack.logUrl, identityToken: await token() };
    const signed = await sigstore.sign(data, opts);
    verifier().verify(toSignedEntity(bundleFromJSON(signed), data), policy());
    const attested = await sigstore.attest(Buffer.from('{}'), 'application/vnd.in-toto+json', {
      ...opts,
      identityToken: await token(),
    });
    verifier().verify(toSignedEntity(bundleFromJSON(attested)), policy());
  });

  it('follows the conflict flow when the same entry is logged twice', async () => {
    const first = await blobBundle();
    const message =
      first.content.$case === 'messageSignature' ? first.content.messageSignature : undefined;
    const cert = first.verificationMaterial.content;
    const certPem =
      cert.$case === 'x509CertificateChain'
        ? `-----BEGIN CERTIFICATE-----\n${cert.x509CertificateChain.certificates[0]!.rawBytes.toString('base64')}\n-----END CERTIFICATE-----\n`
        : '';
    const again = await rekor().testify(
      { $case: 'messageSignature', messageSignature: message! },
      certPem,
    );
    expect(again.tlogEntries[0]!.logIndex).toBe(
      first.verificationMaterial.tlogEntries[0]!.logIndex,
    );
  });

  it('rejects every tampering with its proper error', async () => {
    const bundle = await blobBundle();
    expectFailure(bundle, 'SIGNATURE_ERROR', trustedRoot, Buffer.from('changed artifact'));
    expectFailure(bundle, 'UNTRUSTED_SIGNER_ERROR', trustedRoot, data, {
      ...policy(),
      subjectAlternativeName: 'mallory@example.com',
    });
    expectFailure(bundle, 'UNTRUSTED_SIGNER_ERROR', trustedRoot, data, {
      ...policy(),
      extensions: { issuer: 'https://other' },
    });

    const proofHash = clone(bundle);
    proofHash.verificationMaterial.tlogEntries[0]!.inclusionProof!.hashes[0]![0]! ^= 1;
    expectFailure(proofHash, 'TLOG_INCLUSION_PROOF_ERROR');

    const proofIndex = clone(bundle);
    const proof = proofIndex.verificationMaterial.tlogEntries[0]!.inclusionProof!;
    proof.logIndex = String(BigInt(proof.logIndex) === 0n ? 1n : BigInt(proof.logIndex) - 1n);
    expectFailure(proofIndex, 'TLOG_INCLUSION_PROOF_ERROR');

    const checkpoint = clone(bundle);
    const env = checkpoint.verificationMaterial.tlogEntries[0]!.inclusionProof!.checkpoint!;
    env.envelope = env.envelope.replace(/\n(\d+)\n/, (_m, n: string) => `\n${BigInt(n) + 1n}\n`);
    expectFailure(checkpoint, 'TLOG_INCLUSION_PROOF_ERROR');

    const set = clone(bundle);
    set.verificationMaterial.tlogEntries[0]!.inclusionPromise!.signedEntryTimestamp[10]! ^= 1;
    expectFailure(set, 'TLOG_INCLUSION_PROMISE_ERROR');

    expectFailure(bundle, 'CERTIFICATE_ERROR', { ...trustedRoot, certificateAuthorities: [] });
    expectFailure(bundle, 'TLOG_INCLUSION_PROMISE_ERROR', { ...trustedRoot, tlogs: [] });
    expectFailure(bundle, 'CERTIFICATE_ERROR', { ...trustedRoot, ctlogs: [] });
  });
});
