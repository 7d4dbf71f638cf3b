import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_NODE, unsupportedNode } from './runtime';

describe(unsupportedNode.name, () => {
  it('states the same range as package.json engines', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(SUPPORTED_NODE).toBe(pkg.engines.node);
  });

  it.each(['24.15.0', '24.22.3', '26.0.0', '27.1.2'])('accepts Node %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it.each(['20.20.2', '22.22.2', '24.14.9', '25.9.0'])('refuses Node %s, naming it', (version) => {
    expect(unsupportedNode(version)).toBe(
      `Node ${version} is not supported: Signet needs Node ^24.15.0 || >=26.0.0 ` +
        '(npm install fetches one into node_modules/.bin; run through npm, or see README: Runtime)',
    );
  });

  it('accepts the Node running the tests', () => {
    expect(unsupportedNode()).toBeUndefined();
  });
});
