import { buildLeaf, parseCertificate, type ParsedCertificate } from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { ChainVerifier } from '../../core/trust/chain-verifier';
import { parseChainRequest, verifySubmittedChain } from './ct-chain';
import { CtError } from './ct.errors';

const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');

function trustOf(pki: TestPki): ChainVerifier {
  return new ChainVerifier([parseCertificate(pki.root), parseCertificate(pki.intermediate)]);
}

/** Matches a CtError with `code` and a message equal to (or matching) `message`. */
function refusal(code: string, message: string | RegExp): unknown {
  return expect.objectContaining({
    constructor: CtError,
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  }) as unknown;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe(verifySubmittedChain.name, () => {
  let pki: TestPki;
  let precertificate: ParsedCertificate;
  let certificate: ParsedCertificate;
  const chain = (leaf: ParsedCertificate, p = pki) =>
    parseChainRequest({ chain: [leaf.der, p.intermediate, p.root].map(b64) });

  beforeAll(async () => {
    pki = await testPki();
    const leaf = buildLeaf(testLeafRequest(pki, new Date()));
    precertificate = parseCertificate(await leaf.precertificate());
    certificate = parseCertificate(await leaf.certificate());
  });

  it('returns the path to the instance root for a precertificate, with or without its issuers', () => {
    const der = (path: ParsedCertificate[]) => path.map((c) => b64(c.der));
    const full = [precertificate.der, pki.intermediate, pki.root].map(b64);
    expect(
      der(verifySubmittedChain(chain(precertificate), 'precertificate', trustOf(pki))),
    ).toEqual(full);
    const alone = parseChainRequest({ chain: [b64(precertificate.der)] });
    expect(der(verifySubmittedChain(alone, 'precertificate', trustOf(pki)))).toEqual(full);
    expect(der(verifySubmittedChain(chain(certificate), 'certificate', trustOf(pki)))).toEqual(
      [certificate.der, pki.intermediate, pki.root].map(b64),
    );
  });

  it("takes the instance's CA certificates as the trust parsed them, and verifies as before", () => {
    const trust = trustOf(pki);
    const full = [precertificate.der, pki.intermediate, pki.root].map(b64);
    const parsed = parseChainRequest({ chain: full }, trust);
    expect(parsed[1]).toBe(trust.intermediates[0]);
    expect(parsed[2]).toBe(trust.roots[0]);
    expect(parsed[0]!.der).toEqual(precertificate.der);
    for (let i = 0; i < 2; i++) {
      const path = verifySubmittedChain(parsed, 'precertificate', trust);
      expect(path.map((c) => b64(c.der))).toEqual(full);
    }
  });

  it('requires the poison on add-pre-chain and refuses it on add-chain', () => {
    expect(
      thrown(() => verifySubmittedChain(chain(certificate), 'precertificate', trustOf(pki))),
    ).toEqual(refusal('MISSING_POISON', /^chain\[0\] lacks the CT poison extension/));
    expect(
      thrown(() => verifySubmittedChain(chain(precertificate), 'certificate', trustOf(pki))),
    ).toEqual(refusal('UNEXPECTED_POISON', /^chain\[0\] is a precertificate/));
  });

  it('refuses issuers that are not the instance CA, or a CA the log does not know yet', async () => {
    const other = await testPki();
    const foreign = parseCertificate(
      await buildLeaf(testLeafRequest(other, new Date())).precertificate(),
    );
    expect(
      thrown(() => verifySubmittedChain(chain(foreign, other), 'precertificate', trustOf(pki))),
    ).toEqual(
      refusal('UNTRUSTED_CHAIN', /^chain\[1\] .* is not one of this instance's CA certificates$/),
    );
    expect(
      thrown(() =>
        verifySubmittedChain(chain(precertificate), 'precertificate', new ChainVerifier([])),
      ),
    ).toEqual(refusal('UNTRUSTED_CHAIN', /^this log knows no CA certificates yet/));
    // The intermediate alone is not a trust anchor: the path must reach a root.
    const noRoot = new ChainVerifier([parseCertificate(pki.intermediate)]);
    expect(
      thrown(() =>
        verifySubmittedChain(
          parseChainRequest({ chain: [b64(precertificate.der), b64(pki.intermediate)] }),
          'precertificate',
          noRoot,
        ),
      ),
    ).toEqual(
      refusal(
        'UNTRUSTED_CHAIN',
        /^the chain does not verify up to one of this instance's CA roots: /,
      ),
    );
  });

  it('refuses a CA that was not valid when the leaf was issued', async () => {
    const old = await testPki({ now: new Date(Date.now() - 10 * 86_400_000) });
    const late = parseCertificate(
      await buildLeaf(testLeafRequest(old, new Date())).precertificate(),
    );
    expect(
      thrown(() => verifySubmittedChain(chain(late, old), 'precertificate', trustOf(old))),
    ).toEqual(refusal('UNTRUSTED_CHAIN', /expired at/));
  });

  it('refuses a submitted chain whose certificates do not sign each other', () => {
    const swapped = parseChainRequest({
      chain: [precertificate.der, pki.root, pki.intermediate].map(b64),
    });
    expect(thrown(() => verifySubmittedChain(swapped, 'precertificate', trustOf(pki)))).toEqual(
      refusal(
        'INVALID_CHAIN',
        /^chain\[0\] serial 0x[0-9a-f]+ is not signed by chain\[1\] "O=Signet, CN=Signet Test Root"$/,
      ),
    );
  });
});

describe(parseChainRequest.name, () => {
  it.each([
    [null, 'request body must be a JSON object {"chain": [...]}'],
    [{ chain: 'x' }, 'chain must be an array of 1 to 10 base64 DER certificates, leaf first'],
    [
      { chain: Array(11).fill('AA==') },
      'chain must be an array of 1 to 10 base64 DER certificates, leaf first',
    ],
    [{ chain: [1] }, 'chain[0] must be a string'],
    [{ chain: ['AA=='], more: true }, 'more: unknown field (expected only chain)'],
    [{ chain: ['AA'] }, 'chain[0] is not canonical standard base64'],
  ])('refuses %j', (body, message) => {
    expect(thrown(() => parseChainRequest(body))).toEqual(refusal('MALFORMED_CHAIN', message));
  });

  it('names the certificate that does not parse', () => {
    expect(thrown(() => parseChainRequest({ chain: ['MAA='] }))).toEqual(
      refusal('MALFORMED_CHAIN', /^chain\[0\] is not a DER X\.509 certificate: /),
    );
  });
});
