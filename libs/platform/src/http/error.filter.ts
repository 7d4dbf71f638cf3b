import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';

/** How an app answers one of its domain errors. */
export interface ErrorAnswer {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface ErrorFilterOptions {
  /** Maps a domain error to its answer, or `undefined` when the error is not a domain error. */
  answer: (err: unknown) => ErrorAnswer | undefined;
  /** The JSON body of an error response (Rekor: `{code, message}`; Fulcio: gRPC code). */
  body: (status: number, message: string) => object;
  /** Largest accepted request body, named in 413 answers. */
  bodyLimitBytes: number;
}

/**
 * The one error filter of an app: domain errors get their mapped status and precise message,
 * framework and body-parser errors a safe message, and anything else a 500 whose details are
 * logged, never returned.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly options: ErrorFilterOptions) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const answer = this.options.answer(err) ?? this.fallback(err, req);
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.status(answer.status).json(this.options.body(answer.status, answer.message));
  }

  private fallback(err: unknown, req: Request): ErrorAnswer {
    const parser = err as { type?: unknown; status?: unknown };
    if (parser.type === 'entity.too.large') {
      return {
        status: 413,
        message: `request body exceeds the limit of ${this.options.bodyLimitBytes} bytes`,
      };
    }
    if (parser.type === 'entity.parse.failed')
      return { status: 400, message: 'request body is not valid JSON' };
    if (
      typeof parser.type === 'string' &&
      typeof parser.status === 'number' &&
      parser.status < 500
    ) {
      return { status: parser.status, message: `request body rejected: ${parser.type}` };
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      return {
        status,
        message: status === 404 ? `no route for ${req.method} ${req.path}` : err.message,
      };
    }
    this.logger.error(
      `unhandled error on ${req.method} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return {
      status: 500,
      message: 'internal error; the request id in X-Request-Id locates the details in the logs',
    };
  }
}
