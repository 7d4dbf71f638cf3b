import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import {
  type Descriptor,
  indexDescriptors,
  mayBeArtifactType,
  mergeReferrersIndex,
  referrerDescriptor,
} from './referrers-index';

const d = (n: number) => `sha256:${String(n).padStart(64, '0')}`;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const stored = (n: number): Descriptor => ({
  mediaType: OCI_MANIFEST,
  digest: d(n),
  size: 100 + n,
});

describe(referrerDescriptor.name, () => {
  it("takes the manifest's artifactType and copies all its annotations (distribution-spec Referrers Tag Schema)", () => {
    const manifest = {
      artifactType: BUNDLE,
      config: { mediaType: OCI_EMPTY },
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', n: 'x' },
    };
    expect(referrerDescriptor(manifest, stored(1))).toEqual({
      ...stored(1),
      artifactType: BUNDLE,
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', n: 'x' },
    });
  });

  it("falls back to the config's media type and leaves out absent annotations", () => {
    expect(referrerDescriptor({ config: { mediaType: 'application/x-sig' } }, stored(1))).toEqual({
      ...stored(1),
      artifactType: 'application/x-sig',
    });
  });
});

describe(mergeReferrersIndex.name, () => {
  const ours = { ...stored(2), artifactType: BUNDLE, annotations: { a: '1' } };

  it('creates a new OCI index when the tag is new', () => {
    expect(mergeReferrersIndex(undefined, ours)).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [ours],
    });
  });

  it("keeps others' entries (ggcr-style ones too) and the index's own fields, appending ours", () => {
    const ggcr = { mediaType: OCI_MANIFEST, digest: d(1), size: 5, artifactType: OCI_EMPTY };
    const existing = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [ggcr],
      annotations: { k: 'v' },
    };
    expect(mergeReferrersIndex(existing, ours)).toEqual({ ...existing, manifests: [ggcr, ours] });
  });

  it('does not duplicate: undefined when ours is listed as is, replaced when listed differently', () => {
    const listed = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...ours }] };
    expect(mergeReferrersIndex(listed, ours)).toBeUndefined();
    const stale = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...ours, annotations: {} }, stored(3)],
    };
    expect(mergeReferrersIndex(stale, ours)).toEqual({ ...stale, manifests: [stored(3), ours] });
  });
});

describe(indexDescriptors.name, () => {
  it('returns ggcr-written entries (empty artifact type, no annotations) and skips what is no descriptor', () => {
    const ggcr = { mediaType: OCI_MANIFEST, digest: d(1), size: 5, artifactType: OCI_EMPTY };
    const none = { mediaType: OCI_MANIFEST, digest: d(2), size: 6, artifactType: '' };
    const index = {
      manifests: [
        ggcr,
        none,
        { digest: 'sha256:zz', mediaType: 'x', size: 1 },
        { ...ggcr, size: -1 },
        7,
      ],
    };
    expect(indexDescriptors(index, 10)).toEqual([
      ggcr,
      { mediaType: OCI_MANIFEST, digest: d(2), size: 6 },
    ]);
  });

  it('refuses an index listing more than the cap', () => {
    expect(() => indexDescriptors({ manifests: [stored(1), stored(2)] }, 1)).toThrow(
      'lists 2 manifests, more than the 1 allowed',
    );
  });
});

describe(mayBeArtifactType.name, () => {
  it('says yes for the type asked, no type, or the empty type ggcr wrote; no for another type', () => {
    expect(mayBeArtifactType({ ...stored(1), artifactType: BUNDLE }, BUNDLE)).toBe(true);
    expect(mayBeArtifactType(stored(1), BUNDLE)).toBe(true);
    expect(mayBeArtifactType({ ...stored(1), artifactType: OCI_EMPTY }, BUNDLE)).toBe(true);
    expect(mayBeArtifactType({ ...stored(1), artifactType: 'application/spdx+json' }, BUNDLE)).toBe(
      false,
    );
  });
});
