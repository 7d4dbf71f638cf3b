import { parseAdminSettings } from './admin.config';
import { roleFor } from './role-bindings';

const ISS = 'https://idp.example.com';
const { roleBindings } = parseAdminSettings({
  roleBindings: [
    { claim: 'groups', equals: 'signet-viewers', role: 'viewer' },
    { claim: 'groups', equals: 'signet-admins', role: 'owner' },
    { claim: 'department', equals: 'security', role: 'editor' },
    { issuer: ISS, subject: 'u-42', role: 'editor' },
  ],
});

describe(roleFor.name, () => {
  it.each([
    [{ sub: 'u-1', groups: ['signet-viewers'] }, 'viewer'],
    [{ sub: 'u-1', groups: ['signet-viewers', 'signet-admins'] }, 'owner'],
    [{ sub: 'u-1', groups: 'signet-admins' }, 'owner'],
    [{ sub: 'u-1', department: 'security' }, 'editor'],
    [{ sub: 'u-42' }, 'editor'],
    [{ sub: 'u-42', groups: ['signet-admins'] }, 'owner'],
    [{ sub: 'u-1', groups: ['signet-admins-old'] }, undefined],
    [{ sub: 'u-1', groups: [['signet-admins']] }, undefined],
    [{ sub: 'u-1', department: ['security'] }, 'editor'],
    [{ sub: 'u-1' }, undefined],
  ])('%j → %s', (claims, role) => expect(roleFor(roleBindings, ISS, claims)).toBe(role));

  it('binds a subject only under its own issuer', () => {
    expect(roleFor(roleBindings, 'https://other.example.com', { sub: 'u-42' })).toBeUndefined();
  });

  it('makes nobody an admin without bindings', () => {
    expect(roleFor([], ISS, { sub: 'root', groups: ['signet-admins'] })).toBeUndefined();
  });
});
