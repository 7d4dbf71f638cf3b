import { crossOriginProblem, type OriginCheckRequest } from './origin-check';

const trusted = new Set(['https://signet.example.com']);
const req = (
  method: string,
  secFetchSite: string | undefined,
  origin: string | undefined,
  host = 'example.com',
): OriginCheckRequest => ({ method, secFetchSite, origin, host });

/** The cases of Go's TestCrossOriginProtectionSecFetchSite and …PatternBypass/TrustedOrigins. */
describe(crossOriginProblem.name, () => {
  it.each([
    // method, Sec-Fetch-Site, Origin, allowed
    ['POST', 'same-origin', undefined, true],
    ['POST', 'none', undefined, true],
    ['POST', 'cross-site', undefined, false],
    ['POST', 'same-site', undefined, false],
    ['POST', undefined, undefined, true],
    ['POST', undefined, 'https://example.com', true],
    ['POST', undefined, 'https://attacker.example', false],
    ['POST', undefined, 'null', false],
    ['GET', 'cross-site', undefined, true],
    ['HEAD', 'cross-site', undefined, true],
    ['OPTIONS', 'cross-site', undefined, true],
    ['PUT', 'cross-site', undefined, false],
    ['DELETE', undefined, 'https://attacker.example', false],
    ['PATCH', 'same-origin', 'https://attacker.example', true],
  ] as const)('%s Sec-Fetch-Site=%s Origin=%s → allowed %s', (method, site, origin, allowed) => {
    expect(crossOriginProblem(req(method, site, origin), trusted) === undefined).toBe(allowed);
  });

  it('lets a trusted origin through whatever the headers say (a proxy rewriting Host)', () => {
    expect(
      crossOriginProblem(req('POST', 'cross-site', 'https://signet.example.com'), trusted),
    ).toBeUndefined();
    expect(
      crossOriginProblem(req('POST', undefined, 'https://signet.example.com', 'ca:5555'), trusted),
    ).toBeUndefined();
  });

  it('says which header refused the request', () => {
    expect(crossOriginProblem(req('POST', 'cross-site', undefined), trusted)).toBe(
      'cross-origin request refused (Sec-Fetch-Site: cross-site)',
    );
    expect(crossOriginProblem(req('POST', undefined, 'https://attacker.example'), trusted)).toBe(
      'cross-origin request refused (Origin does not match Host)',
    );
  });
});
