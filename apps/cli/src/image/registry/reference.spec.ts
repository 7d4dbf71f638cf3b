import { CliError, ExitCode } from '../../cli/exit-codes';
import { formatImageReference, parseImageReference } from './reference';

const D = `sha256:${'ab'.repeat(32)}`;

describe(parseImageReference.name, () => {
  it.each([
    // Docker's normalisation (distribution/reference normalize.go): no registry → Docker Hub, and
    // single names get library/.
    ['alpine', { registry: 'registry-1.docker.io', repository: 'library/alpine' }],
    [
      'alpine:3.20',
      { registry: 'registry-1.docker.io', repository: 'library/alpine', tag: '3.20' },
    ],
    ['docker.io/team/app', { registry: 'registry-1.docker.io', repository: 'team/app' }],
    ['index.docker.io/alpine', { registry: 'registry-1.docker.io', repository: 'library/alpine' }],
    ['team/app:v1', { registry: 'registry-1.docker.io', repository: 'team/app', tag: 'v1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    [
      '127.0.0.1:5000/team/app:v1',
      { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' },
    ],
    ['Registry.Corp/a/b/c@' + D, { registry: 'registry.corp', repository: 'a/b/c', digest: D }],
    ['ghcr.io/o/r:v1@' + D, { registry: 'ghcr.io', repository: 'o/r', tag: 'v1', digest: D }],
    [
      'reg:5000/a__b/c-d.e_f:T_1.0-x',
      { registry: 'reg:5000', repository: 'a__b/c-d.e_f', tag: 'T_1.0-x' },
    ],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
  ])('parses %s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it.each([
    ['', 'must be [registry/]repository[:tag][@digest]'],
    ['https://reg/app', 'drop the URL scheme'],
    ['reg.io/Team/app', 'the repository must be lowercase'],
    ['reg.io/app@sha256:abc', 'the digest must be sha256:<64 lowercase hex digits>'],
    ['reg.io/app@md5:' + 'a'.repeat(32), 'the digest must be sha256'],
    ['reg.io/app:-bad', '"-bad" is not a valid tag'],
    ['reg.io/', 'the repository is empty'],
    ['reg.io/a//b', '"" is not a valid repository path component'],
    ['reg.io/a-/b', '"a-" is not a valid repository path component'],
    ['bad_host.io:x/app', 'is not a registry host[:port]'],
    [`reg.io/${'a'.repeat(256)}`, 'longer than 255'],
  ])('refuses %j as a usage error', (text, message) => {
    let error: unknown;
    try {
      parseImageReference(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.usage);
    expect((error as CliError).message).toContain(message);
  });

  it('formats back what it parsed, Docker Hub as docker.io', () => {
    expect(formatImageReference(parseImageReference('alpine:3'))).toBe(
      'docker.io/library/alpine:3',
    );
    expect(formatImageReference(parseImageReference(`r:1/a@${D}`))).toBe(`r:1/a@${D}`);
  });
});
