import { BaseError } from '@app/signing';
import { EntryError } from './canonical-entry';
import { canonicalizeProposedEntry } from './proposed-entry';
import { entryErrorOf, hashedRekordProposal, keySigner, withField } from './testing';

describe(canonicalizeProposedEntry.name, () => {
  const proposal = hashedRekordProposal(keySigner(), Buffer.from('artifact'));

  it('dispatches on kind and apiVersion', () => {
    expect(canonicalizeProposedEntry(proposal)).toMatchObject({
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
    });
  });

  // [what, input, code, message]
  // prettier-ignore
  it.each([
    ['null', null, 'MALFORMED_ENTRY', 'entry: must be a JSON object'],
    ['an array', [proposal], 'MALFORMED_ENTRY', 'entry: must be a JSON object'],
    ['a string', JSON.stringify(proposal), 'MALFORMED_ENTRY', 'entry: must be a JSON object'],
    ['no spec', withField(proposal, 'spec', undefined), 'MALFORMED_ENTRY', 'spec: missing required property'],
    ['no kind', withField(proposal, 'kind', undefined), 'MALFORMED_ENTRY', 'kind: missing required property'],
    ['an extra property', withField(proposal, 'extra', {}), 'MALFORMED_ENTRY', 'extra: unknown property'],
    ['an odd extra property', withField(proposal, 'a b', 1), 'MALFORMED_ENTRY', '["a b"]: unknown property'],
    ['kind not a string', withField(proposal, 'kind', 1), 'MALFORMED_ENTRY', 'kind: must be a string'],
    ['apiVersion empty', withField(proposal, 'apiVersion', ''), 'MALFORMED_ENTRY', 'apiVersion: must not be empty'],
    ['kind rpm', withField(proposal, 'kind', 'rpm'), 'UNSUPPORTED_KIND', 'kind: unsupported kind "rpm" (supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2)'],
    ['kind in another case', withField(proposal, 'kind', 'HashedRekord'), 'UNSUPPORTED_KIND', 'kind: unsupported kind "HashedRekord" (supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2)'],
    ['an inherited name as kind', withField(proposal, 'kind', 'toString'), 'UNSUPPORTED_KIND', 'kind: unsupported kind "toString" (supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2)'],
    ['a long kind, cut short', withField(proposal, 'kind', 'x'.repeat(5000)), 'UNSUPPORTED_KIND', `kind: unsupported kind "${'x'.repeat(40)}…" (supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2)`],
    ['hashedrekord 0.0.9', withField(proposal, 'apiVersion', '0.0.9'), 'UNSUPPORTED_KIND', 'apiVersion: unsupported version "0.0.9" of hashedrekord (supported: 0.0.1)'],
    ['intoto 0.0.1', withField(withField(proposal, 'kind', 'intoto'), 'apiVersion', '0.0.1'), 'UNSUPPORTED_KIND', 'apiVersion: unsupported version "0.0.1" of intoto (supported: 0.0.2)'],
    ['dsse 0.0.2', withField(withField(proposal, 'kind', 'dsse'), 'apiVersion', '0.0.2'), 'UNSUPPORTED_KIND', 'apiVersion: unsupported version "0.0.2" of dsse (supported: 0.0.1)'],
  ])('refuses %s', (_what, input, code, message) => {
    const error = entryErrorOf(() => canonicalizeProposedEntry(input));
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
  });

  it('throws EntryErrors that are BaseErrors with their name set', () => {
    const error = entryErrorOf(() => canonicalizeProposedEntry(null));
    expect(error).toBeInstanceOf(BaseError);
    expect(error).toBeInstanceOf(EntryError);
    expect(error.name).toBe('EntryError');
  });

  it('keeps the underlying error as the cause', () => {
    const error = entryErrorOf(() =>
      canonicalizeProposedEntry(withField(proposal, 'spec.signature.content', 'A===')),
    );
    expect(error.cause).toMatchObject({ code: 'INVALID_ENCODING' });
  });
});
