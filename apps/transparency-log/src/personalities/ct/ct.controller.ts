import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { fromBase64 } from '@app/signing';
import { parseIndex } from '../../http/params';
import { LogError } from '../../errors';
import { CtMonitoringService } from './ct-monitoring.service';
import { type AddChainResponse, CtSubmissionService } from './ct-submission.service';

/**
 * The RFC 6962 §4 API of the instance's certificate-transparency log (the active CT tree), where
 * the CA submits precertificates. Errors are `{"code": <status>, "message": …}`.
 */
@Controller('ct/v1')
export class CtController {
  constructor(
    private readonly submissions: CtSubmissionService,
    private readonly monitoring: CtMonitoringService,
  ) {}

  @Post('add-chain')
  @HttpCode(200)
  addChain(@Body() body: unknown): Promise<AddChainResponse> {
    return this.submissions.add(body, 'certificate');
  }

  @Post('add-pre-chain')
  @HttpCode(200)
  addPreChain(@Body() body: unknown): Promise<AddChainResponse> {
    return this.submissions.add(body, 'precertificate');
  }

  @Get('get-sth')
  signedTreeHead(): ReturnType<CtMonitoringService['signedTreeHead']> {
    return this.monitoring.signedTreeHead();
  }

  @Get('get-sth-consistency')
  consistency(
    @Query('first') first: unknown,
    @Query('second') second: unknown,
  ): Promise<{ consistency: string[] }> {
    return this.monitoring.consistency(parseIndex('first', first), parseIndex('second', second));
  }

  @Get('get-proof-by-hash')
  proofByHash(
    @Query('hash') hash: unknown,
    @Query('tree_size') treeSize: unknown,
  ): Promise<{ leaf_index: number; audit_path: string[] }> {
    return this.monitoring.proofByHash(leafHash(hash), parseIndex('tree_size', treeSize));
  }

  @Get('get-entries')
  entries(
    @Query('start') start: unknown,
    @Query('end') end: unknown,
  ): ReturnType<CtMonitoringService['entries']> {
    return this.monitoring.entries(parseIndex('start', start), parseIndex('end', end));
  }

  @Get('get-roots')
  roots(): Promise<{ certificates: string[] }> {
    return this.monitoring.roots();
  }
}

/** A base64 SHA-256 leaf hash; a `+` that arrived unescaped (as a space) is taken back. */
function leafHash(value: unknown): Buffer {
  let bytes: Uint8Array | undefined;
  try {
    if (typeof value === 'string') bytes = fromBase64(value.replaceAll(' ', '+'), 'hash');
  } catch {
    bytes = undefined;
  }
  if (bytes?.length !== 32) {
    throw new LogError('MALFORMED_REQUEST', 'hash must be a base64 SHA-256 leaf hash (32 bytes)');
  }
  return Buffer.from(bytes);
}
