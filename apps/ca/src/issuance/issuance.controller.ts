import { Body, Controller, Get, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { certificatesToPem } from '@app/signing';
import type { OidcVerifier } from '../identity';
import { PolicyService } from '../policy';
import { CaChainService } from '../authority/ca-chain.service';
import { IssuanceService } from './issuance.service';
import { parseSigningCertRequest } from './signing-cert.request';

/** Fulcio v2 REST API (the grpc-gateway JSON form sigstore-js speaks). */
@Controller('api/v2')
export class IssuanceController {
  constructor(
    private readonly issuance: IssuanceService,
    private readonly ca: CaChainService,
    private readonly policy: PolicyService,
  ) {}

  @Post('signingCert')
  @HttpCode(201)
  async signingCert(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Ip() clientAddress: string,
  ): Promise<{ signedCertificateEmbeddedSct: { chain: { certificates: string[] } } }> {
    const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    const request = parseSigningCertRequest(body, bearer);
    const certificates = await this.issuance.issue(request, { clientAddress });
    return { signedCertificateEmbeddedSct: { chain: { certificates } } };
  }

  @Get('trustBundle')
  trustBundle(): { chains: Array<{ certificates: string[] }> } {
    return {
      chains: this.ca.chains.map((chain) => ({
        certificates: chain.map((c) => certificatesToPem([c.der])),
      })),
    };
  }

  @Get('configuration')
  configuration(): { issuers: ReturnType<OidcVerifier['describe']> } {
    return { issuers: this.policy.verifier().describe() };
  }
}
