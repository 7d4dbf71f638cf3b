import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  certificatesToPem,
  issueTimestamp,
  parseTimestampQuery,
  type TimestampAuthority,
  type TimestampRequest,
  timestampRequestFromJson,
} from '@app/signing';
import { TSA_KEYS } from './tsa-keys';

/**
 * The instance's RFC 3161 timestamp authority: what Rekor v2 entries need for a signing time,
 * and what cosign requires beside them. Stateless: a token is issued from the request and the
 * clock, nothing is stored (the token itself is the record, kept in the client's bundle).
 */
@Injectable()
export class TimestampService implements OnModuleDestroy {
  constructor(@Inject(TSA_KEYS) private readonly tsa: TimestampAuthority) {}

  async onModuleDestroy(): Promise<void> {
    await this.tsa.signer.close?.();
  }

  /** sigstore-js's JSON request (`application/json`). */
  fromJson(body: unknown): TimestampRequest {
    return timestampRequestFromJson(body, this.tsa.policy);
  }

  /** A DER `TimeStampReq` (`application/timestamp-query`, what sigstore-go and cosign send). */
  fromQuery(der: Uint8Array): TimestampRequest {
    return parseTimestampQuery(der, this.tsa.policy);
  }

  /** A DER `TimeStampResp` for `request`, at the current time. */
  timestamp(request: TimestampRequest): Promise<Uint8Array> {
    return issueTimestamp(this.tsa, request, new Date());
  }

  /** The TSA's chain as PEM, its certificate first (`GET /api/v1/timestamp/certchain`). */
  chainPem(): string {
    return certificatesToPem(this.tsa.chain.map((c) => c.der));
  }

  /** The chain, its certificate first: for the trusted root's `timestampAuthorities`. */
  get chain(): TimestampAuthority['chain'] {
    return this.tsa.chain;
  }
}
