/* Image references as users write them (`registry/repo:tag@sha256:…`), in Docker's grammar
   (distribution/reference `reference.go`): the first path component is a registry only when it
   holds a `.` or a `:`, or is `localhost`; otherwise the image is on Docker Hub. */
import { usageError } from '../../cli/exit-codes';

/** A parsed image reference. */
export interface ImageReference {
  /** host[:port] the API is called on; Docker Hub is `registry-1.docker.io`. */
  registry: string;
  /** The repository path, e.g. `team/app` (`library/` prefixed for Docker Hub single names). */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` (or `sha512:<128 hex>`), when the reference pins one. */
  digest?: string;
}

/** The registry Docker Hub's API answers on. */
export const DOCKER_HUB = 'registry-1.docker.io';

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', DOCKER_HUB]);
// distribution/reference: path components are lowercase alphanumerics joined by `.`, `_`, `__`
// or runs of `-`.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
// A host name or an IPv4 address, an optional port; IPv6 literals in brackets.
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
const MAX_NAME = 255;

/** True when `text` is a digest this client can check (`sha256:` or `sha512:` hex). */
export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/**
 * Parses `[registry/]repository[:tag][@digest]`. Throws a usage error (exit 64) naming what is
 * wrong: an empty or upper-case repository, a bad tag, a digest that is not `sha256:<64 hex>`.
 */
export function parseImageReference(text: string): ImageReference {
  const bad = (why: string) => usageError(`image reference "${text}": ${why}`);
  let rest = text.trim();
  if (rest === '' || /\s/.test(rest)) throw bad('must be [registry/]repository[:tag][@digest]');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) throw bad('drop the URL scheme (e.g. https://)');

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256:<64 lowercase hex digits>');
  }

  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!HOST.test(first)) throw bad(`"${first}" is not a registry host[:port]`);
    registry = first;
    rest = rest.slice(slash + 1);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }

  if (rest === '') throw bad('the repository is empty');
  const components = rest.split('/');
  for (const component of components) {
    if (!COMPONENT.test(component)) {
      throw bad(
        component !== component.toLowerCase()
          ? 'the repository must be lowercase'
          : `"${component}" is not a valid repository path component`,
      );
    }
  }
  if (rest.length > MAX_NAME) throw bad(`the repository is longer than ${MAX_NAME} characters`);

  const hub = DOCKER_HUB_NAMES.has(registry.toLowerCase());
  const repository = hub && components.length === 1 ? `library/${rest}` : rest;
  return {
    registry: hub ? DOCKER_HUB : registry.toLowerCase(),
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

/** `registry/repository[:tag][@digest]`, for messages. */
export function formatImageReference(ref: ImageReference): string {
  const registry = ref.registry === DOCKER_HUB ? 'docker.io' : ref.registry;
  return `${registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
