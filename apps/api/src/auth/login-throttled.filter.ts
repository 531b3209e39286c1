// A throttled password check answers 429 with Retry-After (seconds until the counter that
// refused it expires). The message is the same whether or not the account exists.
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorView } from '@wharf/shared';
import type { Response } from 'express';

export class LoginThrottledException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      {
        message: `too many failed sign-in attempts from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

@Catch(LoginThrottledException)
export class LoginThrottledFilter implements ExceptionFilter<LoginThrottledException> {
  catch(exception: LoginThrottledException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const view: ErrorView = {
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      error: 'Too Many Requests',
      message: (exception.getResponse() as { message: string }).message,
    };
    res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(view.statusCode).json(view);
  }
}
