/* Image patterns as policy-controller's `ClusterImagePolicy.spec.images[].glob` reads them:
   `*` within one path segment, `**` across segments, `?` one character of a segment, matched
   against `registry/repository` (no tag or digest). */

/** Docker Hub's aliases; a pattern or image on any of them is on `index.docker.io`. */
const DOCKER_HUB = /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//;

/** `registry/repository` with Docker Hub written `index.docker.io`. */
export function normalizeImageName(name: string): string {
  return name.replace(DOCKER_HUB, 'index.docker.io/');
}

/**
 * Compiles `glob` to an anchored RegExp over normalised `registry/repository` names. Throws an
 * Error for an empty pattern or one with a tag or digest.
 */
export function compileImageGlob(glob: string): RegExp {
  if (glob.length === 0) throw new Error('is empty');
  if (/[@]|:[^/]*$/.test(glob.replace(/^[^/]*/, ''))) {
    throw new Error('must name repositories, without a tag or digest');
  }
  let source = '';
  const text = normalizeImageName(glob);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*' && text[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
