import fc from 'fast-check';
import { domainError, fuzz, keepsContract, mutatedJson, mutatedText } from '@app/testing/fuzz';
import { parseEnvelope, signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse';
import { SigningError } from './errors';
import { generateKeyPair } from './keys';
import { KeyObjectSigner } from './signers/key-object';

/**
 * DSSE envelopes come from clients (Rekor dsse/intoto entries, bundles, image attestations):
 * each mutated envelope, as parsed JSON or as text, is parsed and verified or refused with a
 * `SigningError`, within the budget; a signed envelope round-trips.
 */
describe('DSSE envelopes on hostile input', () => {
  const refused = domainError(SigningError);
  const pair = generateKeyPair('ecdsa-p256-sha256');
  let envelopes: DsseEnvelope[];

  beforeAll(async () => {
    const signer = new KeyObjectSigner(pair.privateKey);
    envelopes = [
      await signEnvelope(signer, 'application/vnd.in-toto+json', Buffer.from('{"a":1}')),
      await signEnvelope(signer, 'text/plain', Buffer.from('')),
    ];
  });

  it('round-trips the signed envelopes through JSON text', () => {
    for (const envelope of envelopes) {
      const parsed = parseEnvelope(JSON.stringify(envelope));
      expect(verifyEnvelope(parsed, [pair.publicKey]).payload).toEqual(
        new Uint8Array(Buffer.from(envelope.payload, 'base64')),
      );
    }
  });

  it('answers every mutated envelope with a verified one or a SigningError', () => {
    fuzz(
      fc.property(mutatedJson(...envelopes), (value) =>
        keepsContract(() => verifyEnvelope(parseEnvelope(value), [pair.publicKey]), refused),
      ),
    );
  });

  it('answers every mutated envelope text likewise', () => {
    fuzz(
      fc.property(mutatedText(...envelopes.map((e) => JSON.stringify(e))), (text) =>
        keepsContract(() => verifyEnvelope(parseEnvelope(text), [pair.publicKey]), refused),
      ),
    );
  });
});
