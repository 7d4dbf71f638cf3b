import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { certificatesFromPem, fingerprintOf, parseCertificate, parsePublicKey } from '@app/signing';
import { LogError } from '../../errors';
import { EntriesService } from './entries.service';
import { nextPageLink, parseSearchCursor, parseSearchLimit, searchCursor } from './search-page';

const HASH = /^(?:(sha256|sha384|sha512):)?([0-9a-fA-F]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Rekor v1 `POST /api/v1/index/retrieve`: entry UUIDs by artifact digest, signer email or URI,
 * or public key, by global index, a page at a time (`search-page.ts`). The index is written in the
 * entry's own transaction, so it is never behind.
 */
@Controller('api/v1/index')
export class SearchController {
  constructor(private readonly entries: EntriesService) {}

  @Post('retrieve')
  @HttpCode(200)
  async retrieve(
    @Body() body: unknown,
    @Query('after') afterText: unknown,
    @Query('limit') limitText: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string[]> {
    const after = parseSearchCursor(afterText);
    const limit = parseSearchLimit(limitText);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new LogError('MALFORMED_REQUEST', 'request body must be a JSON object');
    }
    const query = body as Record<string, unknown>;
    const keys: string[] = [];
    for (const [field, value] of Object.entries(query)) {
      switch (field) {
        case 'hash':
          keys.push(hashKey(value));
          break;
        case 'email':
          if (typeof value !== 'string' || !value.includes('@') || value.length > 512) {
            throw new LogError('MALFORMED_REQUEST', 'email must be an email address');
          }
          refuseControlCharacters(field, value);
          keys.push(`email:${value.toLowerCase()}`);
          break;
        case 'subject':
          if (typeof value !== 'string' || value === '' || value.length > 512) {
            throw new LogError(
              'MALFORMED_REQUEST',
              'subject must be a non-empty string of at most 512 characters',
            );
          }
          refuseControlCharacters(field, value);
          keys.push(
            value.includes('@') && !value.includes('://')
              ? `email:${value.toLowerCase()}`
              : `uri:${value}`,
          );
          break;
        case 'publicKey':
          keys.push(publicKeyKey(value));
          break;
        case 'operator':
          if (value !== 'and' && value !== 'or')
            throw new LogError('MALFORMED_REQUEST', 'operator must be "and" or "or"');
          break;
        default:
          throw new LogError(
            'MALFORMED_REQUEST',
            `${field}: unknown field (expected hash, email, subject, publicKey, operator)`,
          );
      }
    }
    if (keys.length === 0) {
      throw new LogError(
        'UNPROCESSABLE',
        'at least one of hash, email, subject or publicKey is required',
      );
    }
    const operator = query.operator === 'and' ? 'and' : 'or';
    const page = await this.entries.search(keys, operator, { after, limit });
    if (page.next !== undefined) {
      res.setHeader(
        'Link',
        nextPageLink(searchCursor(page.next), limitText === undefined ? undefined : limit),
      );
    }
    return page.uuids;
  }
}

// No identity the CA certifies holds one (SANs are printable ASCII), and Postgres text cannot
// hold NUL: refused here rather than failing in SQL.
function refuseControlCharacters(field: string, value: string): void {
  if ([...value].some((c) => c < ' ' || c === '\u007f')) {
    throw new LogError('MALFORMED_REQUEST', `${field} must not contain control characters`);
  }
}

function hashKey(value: unknown): string {
  const match = typeof value === 'string' ? HASH.exec(value) : null;
  const algorithm = match?.[1]?.toLowerCase() ?? 'sha256';
  if (match === null || match[2]!.length !== HEX_LENGTH[algorithm]) {
    throw new LogError(
      'MALFORMED_REQUEST',
      'hash must be [sha256:|sha384:|sha512:]<hex digest of the right length>',
    );
  }
  return `${algorithm}:${match[2]!.toLowerCase()}`;
}

function publicKeyKey(value: unknown): string {
  const spec = value as { format?: unknown; content?: unknown } | null;
  if (typeof spec !== 'object' || spec === null)
    throw new LogError('MALFORMED_REQUEST', 'publicKey must be an object');
  if (spec.format !== 'x509') {
    throw new LogError(
      'MALFORMED_REQUEST',
      'publicKey.format: only "x509" (a PEM certificate or public key) is supported',
    );
  }
  if (typeof spec.content !== 'string')
    throw new LogError('MALFORMED_REQUEST', 'publicKey.content must be base64');
  const pem = Buffer.from(spec.content, 'base64').toString('utf8');
  try {
    const key = pem.includes('CERTIFICATE')
      ? parseCertificate(certificatesFromPem(pem)[0] ?? new Uint8Array()).publicKey
      : parsePublicKey(pem);
    return `key:${fingerprintOf(key)}`;
  } catch (err) {
    throw new LogError('MALFORMED_REQUEST', `publicKey.content: ${(err as Error).message}`);
  }
}
