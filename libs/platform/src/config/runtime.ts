/** The Node versions Signet runs on: package.json `engines.node` (Node 24 LTS, or 26 and later). */
export const SUPPORTED_NODE = '^24.15.0 || >=26.0.0';

/**
 * Why `version` (x.y.z, default the running Node's) cannot run Signet, or undefined when it can.
 * sigstore-js 5, which the CA, the log and `signet` build on, supports nothing older.
 */
export function unsupportedNode(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if ((major === 24 && minor >= 15) || major >= 26) return undefined;
  return (
    `Node ${version} is not supported: Signet needs Node ${SUPPORTED_NODE} ` +
    '(npm install fetches one into node_modules/.bin; run through npm, or see README: Runtime)'
  );
}
