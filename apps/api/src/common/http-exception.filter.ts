// Every error leaves the API as an ErrorView. Unknown errors become a 500 whose body
// says nothing about internals (the log has the details).
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorView } from '@wharf/shared';
import type { Request, Response } from 'express';
import { closeIfBodyUnread } from '../security/close-after-refusal.js';
import { isConnectionError, isNotFound, isUniqueViolation } from './db-errors.js';
import type { JsonLogger } from './json-logger.js';

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const view = this.toView(exception);
    if (view.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? exception.message : String(exception),
        exception instanceof Error ? exception.stack : undefined,
        'HttpExceptionFilter',
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A refusal before the body was read (sign-in, size, content type) ends the connection.
    closeIfBodyUnread(host.switchToHttp().getRequest<Request>(), res);
    res.status(view.statusCode).json(view);
  }

  private toView(exception: unknown): ErrorView {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const error = reasonPhrases[status] ?? 'Error';
      if (typeof body === 'string') return { statusCode: status, error, message: body };
      const b = body as { message?: unknown; issues?: ErrorView['issues'] };
      const message = Array.isArray(b.message) ? b.message.join('; ') : String(b.message ?? error);
      return { statusCode: status, error, message, ...(b.issues ? { issues: b.issues } : {}) };
    }
    if (isUniqueViolation(exception)) return { statusCode: 409, error: 'Conflict', message: 'already exists' };
    if (isNotFound(exception)) return { statusCode: 404, error: 'Not Found', message: 'not found' };
    // A database restart or failover is brief: "try again", not "Wharf is broken".
    if (isConnectionError(exception)) {
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database is unavailable; try again shortly',
      };
    }
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode: status, error: reasonPhrases[status]!, message: 'internal error' };
  }
}
