import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { domainError, fuzz, keepsContract, mutatedJson } from '@app/testing/fuzz';
import { LogError } from '../../errors';
import { parseCreateEntryRequest } from './hashedrekord-v002';

/**
 * `POST /api/v2/log/entries` hands the client's JSON to `parseCreateEntryRequest`: every mutated
 * request is parsed (and its signature checked) or refused with a `LogError` (a 400 naming the
 * field), within the budget.
 */
describe('Rekor v2 create-entry requests on hostile input', () => {
  const refused = domainError(LogError);
  const artifact = Buffer.from('artifact');
  const request = (type: 'ec' | 'ed25519', keyDetails: string) => {
    const pair =
      type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
    const der = pair.publicKey.export({ type: 'spki', format: 'der' });
    return {
      hashedRekordRequestV002: {
        digest: createHash('sha256').update(artifact).digest('base64'),
        signature: {
          content: sign(type === 'ec' ? 'sha256' : null, artifact, pair.privateKey).toString(
            'base64',
          ),
          verifier: { publicKey: { rawBytes: der.toString('base64') }, keyDetails },
        },
      },
    };
  };
  const valid = [request('ec', 'PKIX_ECDSA_P256_SHA_256')];

  it('parses and verifies the valid request, and its body is canonical JSON', () => {
    const parsed = parseCreateEntryRequest(valid[0]);
    parsed.verify();
    const body = parsed.body.toString('utf8');
    expect(JSON.stringify(JSON.parse(body))).toBe(body);
  });

  it('answers every mutated request with an entry or a LogError, its signature checked', () => {
    fuzz(
      fc.property(mutatedJson(...valid), (req) =>
        keepsContract(() => parseCreateEntryRequest(req).verify(), refused),
      ),
    );
  });
});
