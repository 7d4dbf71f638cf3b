import fc from 'fast-check';
import { domainError, fuzz, keepsContract, mutatedJson } from '@app/testing/fuzz';
import { EntryError } from './canonical-entry';
import { canonicalizeProposedEntry } from './proposed-entry';
import {
  certificateSigner,
  dsseEnvelope,
  dsseProposal,
  hashedRekordProposal,
  intotoProposal,
  keySigner,
} from './testing';

/**
 * `POST /api/v1/log/entries` hands the client's JSON to `canonicalizeProposedEntry`: for every
 * kind (hashedrekord, dsse, intoto) each mutated proposal is canonicalized or refused with an
 * `EntryError` (a 400 naming the field), within the budget; valid proposals canonicalize to a
 * body that canonicalizes to itself.
 */
describe('Rekor v1 proposed entries on hostile input', () => {
  const refused = domainError(EntryError);
  let proposals: Record<string, unknown[]>;

  beforeAll(async () => {
    const key = keySigner();
    const cert = await certificateSigner();
    const payload = JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [] });
    proposals = {
      hashedrekord: [
        hashedRekordProposal(key, Buffer.from('artifact')),
        hashedRekordProposal(cert, Buffer.from('another artifact')),
      ],
      dsse: [dsseProposal(dsseEnvelope([key], 'application/vnd.in-toto+json', payload), [key.pem])],
      intoto: [intotoProposal(cert, 'application/vnd.in-toto+json', payload)],
    };
  });

  it('canonicalizes the valid proposals, each kind to a body that is its own canonical form', () => {
    for (const [kind, list] of Object.entries(proposals)) {
      for (const proposal of list) {
        const entry = canonicalizeProposedEntry(proposal);
        expect(entry.kind).toBe(kind);
        expect(JSON.parse(entry.body.toString('utf8'))).toMatchObject({ kind });
      }
    }
  });

  it.each(['hashedrekord', 'dsse', 'intoto'])(
    'answers every mutated %s proposal with an entry or an EntryError',
    (kind) => {
      fuzz(
        fc.property(mutatedJson(...proposals[kind]!), (proposal) =>
          keepsContract(() => canonicalizeProposedEntry(proposal), refused),
        ),
      );
    },
  );
});
