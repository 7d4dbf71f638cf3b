import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, OtherName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { encodeUtf8String } from './der';
import { signingError } from './matchers';
import { X509Oid } from './oids';
import { encodeSubjectAltName, type LeafSubjectAltName } from './san';

// encodeSubjectAltName writes DER by hand; @peculiar/asn1-x509, which it replaced on the
// issuance path for speed, is the reference it must match byte for byte.
function reference(san: LeafSubjectAltName): string {
  const name =
    san.type === 'email'
      ? new GeneralName({ rfc822Name: san.value })
      : san.type === 'uri'
        ? new GeneralName({ uniformResourceIdentifier: san.value })
        : new GeneralName({
            otherName: new OtherName({
              typeId: X509Oid.fulcioUsername,
              value: encodeUtf8String(san.value).slice().buffer,
            }),
          });
  return Buffer.from(AsnConvert.serialize(new SubjectAlternativeName([name]))).toString('hex');
}

describe(encodeSubjectAltName.name, () => {
  it.each<LeafSubjectAltName>([
    { type: 'email', value: 'dev@example.com' },
    { type: 'email', value: `${'a'.repeat(300)}@example.com` },
    {
      type: 'uri',
      value: 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
    },
    { type: 'uri', value: `spiffe://example.org/${'p'.repeat(120)}` },
    { type: 'otherName', value: 'alice' },
    { type: 'otherName', value: `ünïcødé ${'x'.repeat(300)}` },
  ])('encodes $type $value as @peculiar/asn1-x509', (san) => {
    expect(Buffer.from(encodeSubjectAltName(san)).toString('hex')).toBe(reference(san));
  });

  it('lays out an email as SEQUENCE { [1] IA5String }', () => {
    expect(Buffer.from(encodeSubjectAltName({ type: 'email', value: 'a@b' })).toString('hex')).toBe(
      '3005' + '8103' + '614062',
    );
  });

  it.each<[LeafSubjectAltName, string]>([
    [
      { type: 'email', value: 'no-at-sign' },
      'SAN email "no-at-sign" is not an ASCII local@domain address',
    ],
    [
      { type: 'email', value: 'é@example.com' },
      'SAN email "é@example.com" is not an ASCII local@domain address',
    ],
    [{ type: 'uri', value: '/relative' }, 'SAN URI "/relative" is not an absolute ASCII URI'],
    [{ type: 'otherName', value: '' }, 'SAN otherName username is empty'],
  ])('refuses %j', (san, message) => {
    expect(() => encodeSubjectAltName(san)).toThrow(
      signingError('INVALID_CERTIFICATE_TEMPLATE', message),
    );
  });
});
