/* Stock sigstore-js against Signet: @sigstore/sign (FulcioSigner + RekorWitness), the high-level
   `sigstore` package, and @sigstore/verify with nothing but our trusted root. */
import { bundleFromJSON, bundleToJSON, type Bundle } from '@sigstore/bundle';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import {
  bundleBuilderFromSigningConfig,
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
} from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import * as sigstore from 'sigstore';
import { Updater } from 'tuf-js';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildTufRoot,
  generateKeyPair,
  KeyObjectSigner,
  signTufMetadata,
  tufMetadataBytes,
} from '@app/signing';
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
      // The Rekor v1 tree, and the Rekor v2 shard at its own hostname.
      tlogs: [
        expect.objectContaining({ baseUrl: stack.logUrl, hashAlgorithm: 'SHA2_256' }),
        expect.objectContaining({ baseUrl: stack.logV2Url, hashAlgorithm: 'SHA2_256' }),
      ],
      ctlogs: [expect.objectContaining({ baseUrl: `${stack.logUrl}/ct` })],
      certificateAuthorities: [expect.objectContaining({ uri: stack.caUrl })],
      timestampAuthorities: [expect.objectContaining({ uri: `${stack.caUrl}/api/v1/timestamp` })],
    });
    const res = await fetch(`${stack.caUrl}/api/v1/signingConfig`);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    );
    const config = (await res.json()) as Record<string, unknown>;
    // Dated services naming the instance's host as operator, the TSA among them.
    const operator = new URL(stack.caUrl).hostname;
    const tlog = (trustedRoot.tlogs as Array<{ publicKey: { validFor: { start: string } } }>)[0]!;
    const service = (url: string, start: unknown) => ({
      url,
      majorApiVersion: 1,
      validFor: { start },
      operator,
    });
    expect(config).toEqual({
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service(stack.caUrl, expect.stringMatching(/^20\d\d-/))],
      oidcUrls: expect.arrayContaining([
        service(stack.fx.email.url, expect.stringMatching(/^20\d\d-/)),
      ]),
      rekorTlogUrls: [service(stack.logUrl, tlog.publicKey.validFor.start)],
      rekorTlogConfig: { selector: 'ANY' },
      tsaUrls: [service(`${stack.caUrl}/api/v1/timestamp`, expect.stringMatching(/^20\d\d-/))],
      tsaConfig: { selector: 'ANY' },
    });
  });

  it('signs through the served signing config with stock bundleBuilderFromSigningConfig', async () => {
    const served = await (await fetch(`${stack.caUrl}/api/v1/signingConfig`)).json();
    const signingConfig = SigningConfig.fromJSON(served);
    const builder = (bundleType: 'messageSignature' | 'dsseEnvelope') =>
      bundleBuilderFromSigningConfig({
        signingConfig,
        identityProvider: { getToken: token },
        bundleType,
      });
    const message = await builder('messageSignature').create({ data });
    expect(message.verificationMaterial.tlogEntries).toHaveLength(1);
    // The served TSA vouches for the signing time beside the log's SET.
    expect(message.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(
      1,
    );
    verifier().verify(toSignedEntity(message, data), policy());

    const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const dsse = await builder('dsseEnvelope').create({
      data: statement,
      type: 'application/vnd.in-toto+json',
    });
    expect(dsse.verificationMaterial.tlogEntries[0]!.kindVersion?.kind).toBe('dsse');
    verifier().verify(toSignedEntity(dsse), policy());
    // The same verifier still checks what it is given: another artifact fails.
    expectFailure(message, 'SIGNATURE_ERROR', trustedRoot, Buffer.from('other'));
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

  describe("sigstore.verify, which takes its trusted root from the CA's TUF repository", () => {
    let dir: string;
    let rootPath: string;
    let fresh = 0;
    /** The options of a client that holds only `root` (a TUF root.json) and an empty cache. */
    const tuf = (root = rootPath) => ({
      tufMirrorURL: `${stack.caUrl}/tuf`,
      tufRootPath: root,
      tufCachePath: join(dir, `cache-${++fresh}`),
      certificateIdentityEmail: EMAIL,
      certificateIssuer: stack.fx.email.url,
    });

    const alice = { identity: { subjectAlternativeName: EMAIL } };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'signet-tuf-'));
      // What an administrator hands out beside (or instead of) the trusted root JSON.
      const res = await fetch(`${stack.caUrl}/tuf/1.root.json`);
      expect(res.status).toBe(200);
      rootPath = join(dir, 'root.json');
      await writeFile(rootPath, Buffer.from(await res.arrayBuffer()));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('verifies blob signatures and attestations made through Signet', async () => {
      const opts = { fulcioURL: stack.caUrl, rekorURL: stack.logUrl };
      const signed = await sigstore.sign(data, { ...opts, identityToken: await token() });
      await expect(sigstore.verify(signed, data, tuf())).resolves.toMatchObject(alice);
      const attested = await sigstore.attest(Buffer.from('{}'), 'application/vnd.in-toto+json', {
        ...opts,
        identityToken: await token(),
      });
      await expect(sigstore.verify(attested, tuf())).resolves.toMatchObject(alice);
      // A second verification with the same cache refreshes the metadata it already holds.
      const cached = tuf();
      await sigstore.verify(signed, data, cached);
      await expect(sigstore.verify(signed, data, cached)).resolves.toMatchObject(alice);
    });

    it('lets a stock TUF client (tuf-js) follow /tuf from the root to both targets', async () => {
      const metadataDir = join(dir, `tuf-js-${++fresh}`);
      await mkdir(metadataDir);
      await writeFile(join(metadataDir, 'root.json'), await readFile(rootPath));
      const updater = new Updater({
        metadataDir,
        metadataBaseUrl: `${stack.caUrl}/tuf`,
        targetDir: metadataDir,
        targetBaseUrl: `${stack.caUrl}/tuf/targets`,
      });
      await updater.refresh();
      const download = async (name: string) => {
        const info = await updater.getTargetInfo(name);
        expect(info).toBeDefined();
        return JSON.parse(await readFile(await updater.downloadTarget(info!), 'utf8')) as unknown;
      };
      expect(await download('trusted_root.json')).toEqual(trustedRoot);
      expect(await download('signing_config.v0.2.json')).toEqual(
        await (await fetch(`${stack.caUrl}/api/v1/signingConfig`)).json(),
      );
      expect(await updater.getTargetInfo('signing_config.v0.1.json')).toBeUndefined();
    });

    it('serves the same trusted root as /api/v1/trustedRoot, under its hash', async () => {
      const timestamp = (await (await fetch(`${stack.caUrl}/tuf/timestamp.json`)).json()) as {
        signed: { meta: Record<string, { version: number }> };
      };
      const version = timestamp.signed.meta['snapshot.json']!.version;
      const targets = (await (
        await fetch(`${stack.caUrl}/tuf/${version}.targets.json`)
      ).json()) as {
        signed: { targets: Record<string, { hashes: { sha256: string } }> };
      };
      const { sha256 } = targets.signed.targets['trusted_root.json']!.hashes;
      const target = await fetch(`${stack.caUrl}/tuf/targets/${sha256}.trusted_root.json`);
      expect(await target.json()).toEqual(trustedRoot);
      const missing = await fetch(`${stack.caUrl}/tuf/${version + 1}.targets.json`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        code: 5,
        message: `no TUF targets version ${version + 1} (current: ${version})`,
      });
      expect((await fetch(`${stack.caUrl}/tuf/2.root.json`)).status).toBe(404);
      expect(
        (await fetch(`${stack.caUrl}/tuf/targets/${'0'.repeat(64)}.trusted_root.json`)).status,
      ).toBe(404);
    });

    it('rejects a tampered artifact, another identity and another issuer', async () => {
      const signed = await sigstore.sign(data, {
        fulcioURL: stack.caUrl,
        rekorURL: stack.logUrl,
        identityToken: await token(),
      });
      await expect(sigstore.verify(signed, Buffer.from('changed'), tuf())).rejects.toMatchObject({
        code: 'SIGNATURE_ERROR',
      });
      await expect(
        sigstore.verify(signed, data, {
          ...tuf(),
          certificateIdentityEmail: 'mallory@example.com',
        }),
      ).rejects.toMatchObject({ code: 'UNTRUSTED_SIGNER_ERROR' });
      await expect(
        sigstore.verify(signed, data, { ...tuf(), certificateIssuer: 'https://other' }),
      ).rejects.toMatchObject({ code: 'UNTRUSTED_SIGNER_ERROR' });
    });

    it('refuses the repository when the client trusts another root', async () => {
      // An attacker's (or another instance's) root: the CA's metadata is not signed by its keys.
      const key = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
      const other = await signTufMetadata(
        buildTufRoot({
          version: 1,
          expires: new Date(Date.now() + 86_400_000),
          rootKeys: [key.publicKey],
          onlineKey: key.publicKey,
        }),
        [key],
      );
      const otherPath = join(dir, 'other-root.json');
      await writeFile(otherPath, tufMetadataBytes(other));
      const signed = await sigstore.sign(data, {
        fulcioURL: stack.caUrl,
        rekorURL: stack.logUrl,
        identityToken: await token(),
      });
      await expect(sigstore.verify(signed, data, tuf(otherPath))).rejects.toMatchObject({
        code: 'TUF_REFRESH_METADATA_ERROR',
        cause: expect.objectContaining({ message: 'timestamp was signed by 0/1 keys' }),
      });
    });
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
