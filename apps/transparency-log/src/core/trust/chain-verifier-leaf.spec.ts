import {
  buildLeaf,
  parseCertificate,
  verifyChain,
  type LeafCertificateRequest,
  type ParsedCertificate,
} from '@app/signing';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { ChainVerifier } from './chain-verifier';

const NOW = new Date('2026-11-22T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

async function leaf(
  pki: TestPki,
  overrides: Partial<LeafCertificateRequest> = {},
  byRoot = false,
): Promise<ParsedCertificate> {
  const issuer = byRoot ? { intermediate: pki.root, intermediateSigner: pki.rootSigner } : pki;
  return parseCertificate(
    await buildLeaf(
      testLeafRequest(issuer, new Date(NOW.getTime() - MINUTE), overrides),
    ).certificate(),
  );
}

/** What verifyChain says: undefined when it accepts, else the error's code and message. */
function reference(cas: ChainVerifier, certificate: ParsedCertificate, at: Date) {
  try {
    verifyChain(certificate.der, cas.intermediates, cas.roots, at);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

function outcome(cas: ChainVerifier, certificate: ParsedCertificate, at: Date) {
  try {
    cas.verify(certificate, at);
    return undefined;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

describe(ChainVerifier.name, () => {
  let pki: TestPki;
  let cas: ChainVerifier;

  beforeAll(async () => {
    pki = await testPki({ now: NOW });
  });

  beforeEach(() => {
    // Intermediate first, as the CA's table may list them: roots are found by self-issuance.
    cas = new ChainVerifier([parseCertificate(pki.intermediate), parseCertificate(pki.root)]);
  });

  it('splits self-issued roots from intermediates', () => {
    expect(cas.roots.map((c) => c.der)).toEqual([pki.root]);
    expect(cas.intermediates.map((c) => c.der)).toEqual([pki.intermediate]);
  });

  it('accepts leaves of a trusted issuer, the first through verifyChain, then from the cache', async () => {
    for (const certificate of [await leaf(pki), await leaf(pki), await leaf(pki)]) {
      expect(reference(cas, certificate, NOW)).toBeUndefined();
      expect(outcome(cas, certificate, NOW)).toBeUndefined();
    }
  });

  it('decides as verifyChain at every time around the validity windows, after caching', async () => {
    // A leaf outliving its intermediate: only the cached window can refuse it at NOW + 1.5 days.
    const long = await leaf(pki, { notAfter: new Date(NOW.getTime() + 3 * DAY) });
    const short = await leaf(pki);
    cas.verify(short, NOW);
    const times = [
      NOW.getTime() - 2 * MINUTE, // before the leaves' notBefore
      NOW.getTime() - MINUTE, // exactly notBefore (inclusive)
      NOW.getTime() + 9 * MINUTE, // exactly the short leaf's notAfter (inclusive)
      NOW.getTime() + 9 * MINUTE + 1,
      pki.notAfter.getTime(), // exactly the CAs' notAfter
      pki.notAfter.getTime() + 1, // the CAs have expired, the long leaf has not
      pki.notBefore.getTime() - 1,
    ];
    for (const certificate of [long, short]) {
      for (const time of times) {
        const at = new Date(time);
        expect(outcome(cas, certificate, at)).toEqual(reference(cas, certificate, at));
      }
    }
    expect(outcome(cas, long, new Date(pki.notAfter.getTime() + 1))?.message).toMatch(
      /^intermediate 1 ".*": expired at /,
    );
  });

  it('refuses, with verifyChain’s error, a leaf of another CA with the same names', async () => {
    const other = await testPki({ now: NOW });
    cas.verify(await leaf(pki), NOW);
    const stranger = await leaf(other);
    expect(outcome(cas, stranger, NOW)).toEqual(reference(cas, stranger, NOW));
    expect(outcome(cas, stranger, NOW)?.code).toBe('INVALID_CHAIN');
  });

  it('refuses a leaf whose signature does not verify with the issuer’s key', async () => {
    cas.verify(await leaf(pki), NOW);
    const der = Uint8Array.from((await leaf(pki)).der);
    der[der.length - 1]! ^= 0x01; // the last byte of the signature's s
    const forged = parseCertificate(der);
    expect(outcome(cas, forged, NOW)).toEqual(reference(cas, forged, NOW));
    expect(outcome(cas, forged, NOW)?.message).toMatch(
      /^leaf .*: signature does not verify with the key of issuer /,
    );
  });

  it('decides as verifyChain for a CA certificate given as the leaf, and a leaf of the root', async () => {
    const byRoot = await leaf(pki, {}, true);
    for (const certificate of [
      parseCertificate(pki.intermediate),
      parseCertificate(pki.root),
      byRoot,
      byRoot,
    ]) {
      expect(outcome(cas, certificate, NOW)).toEqual(reference(cas, certificate, NOW));
    }
  });

  it('decides as verifyChain for leaves signed with algorithms the shortcut leaves to it', async () => {
    const ed = await testPki({ now: NOW, intermediate: 'ed25519' });
    const mixed = new ChainVerifier([parseCertificate(ed.root), parseCertificate(ed.intermediate)]);
    for (const certificate of [await leaf(ed), await leaf(ed)]) {
      expect(outcome(mixed, certificate, NOW)).toBeUndefined();
      expect(outcome(mixed, certificate, new Date(NOW.getTime() + DAY))).toEqual(
        reference(mixed, certificate, new Date(NOW.getTime() + DAY)),
      );
    }
  });

  it('refuses everything when it trusts nothing', async () => {
    const certificate = await leaf(pki);
    const none = new ChainVerifier([]);
    expect(outcome(none, certificate, NOW)).toEqual(reference(none, certificate, NOW));
    expect(outcome(none, certificate, NOW)?.code).toBe('INVALID_CHAIN');
  });
});
