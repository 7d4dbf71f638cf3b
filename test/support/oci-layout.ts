/* Fixture images as OCI image layouts (image-spec `image-layout.md`), built here from nothing:
   one layer (a tar with one file, gzipped) and a config per platform, and a two-platform index.
   `skopeo copy oci:<dir>:<tag> docker://…` pushes them byte for byte, so their digests are known
   before the push. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** What a fixture layout holds: its tag and the digest and media type it names. */
export interface OciFixture {
  /** The layout directory (`oci:<dir>:<tag>` for skopeo). */
  dir: string;
  tag: string;
  /** The tagged manifest's or index's digest, media type and size. */
  digest: string;
  mediaType: string;
  size: number;
  /** For an index: each platform's manifest. */
  platforms: { os: string; architecture: string; digest: string; size: number }[];
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A ustar archive holding one regular file (POSIX.1-1988 header, two zero blocks at the end). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, '        '); // the checksum counts its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

class Layout {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(bytes: Buffer): { digest: string; size: number } {
    const digest = sha256(bytes);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { digest, size: bytes.length };
  }

  json(value: unknown): { digest: string; size: number } {
    return this.blob(Buffer.from(JSON.stringify(value)));
  }

  /** One platform's image: a layer with `/hello.txt` = `text`, its config and manifest. */
  image(os: string, architecture: string, text: string): { digest: string; size: number } {
    const tar = tarOneFile('hello.txt', Buffer.from(`${text}\n`));
    const layer = this.blob(gzipSync(tar));
    const config = this.json({
      architecture,
      os,
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    });
    return this.json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    });
  }

  tag(tag: string, mediaType: string, top: { digest: string; size: number }): void {
    writeFileSync(
      join(this.dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType, ...top, annotations: { 'org.opencontainers.image.ref.name': tag } },
        ],
      }),
    );
  }
}

/**
 * Writes an OCI layout in `dir` with a single-platform (linux/amd64) image tagged `tag`. `text`
 * goes into its one file: different texts give different digests.
 */
export function writeImageLayout(dir: string, tag = 'v1', text = 'hello from signet'): OciFixture {
  const layout = new Layout(dir);
  const top = layout.image('linux', 'amd64', text);
  layout.tag(tag, OCI_MANIFEST, top);
  return { dir, tag, mediaType: OCI_MANIFEST, ...top, platforms: [] };
}

/** Writes an OCI layout in `dir` with a linux/amd64 + linux/arm64 index tagged `tag`. */
export function writeIndexLayout(
  dir: string,
  tag = 'multi',
  text = 'hello from signet',
): OciFixture {
  const layout = new Layout(dir);
  const platforms = (['amd64', 'arm64'] as const).map((architecture) => ({
    os: 'linux',
    architecture,
    ...layout.image('linux', architecture, `${text} on ${architecture}`),
  }));
  const top = layout.json({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: platforms.map(({ os, architecture, digest, size }) => ({
      mediaType: OCI_MANIFEST,
      digest,
      size,
      platform: { os, architecture },
    })),
  });
  layout.tag(tag, OCI_INDEX, top);
  return { dir, tag, mediaType: OCI_INDEX, ...top, platforms };
}
