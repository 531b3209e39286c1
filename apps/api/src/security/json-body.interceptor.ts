// Parses JSON bodies after the guards: an unauthenticated or refused request is answered
// before any of its body is read (and, with Expect: 100-continue, before 100 is sent).
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { SAFE_METHODS } from './browser-origin.js';
import { bodyPolicy } from './content-type.guard.js';
import { JSON_BODY_LIMIT_BYTES, readJsonBody } from './json-body.js';

@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || bodyPolicy(this.reflector, context).read !== 'json') return next.handle();
    return from(readJsonBody(req, JSON_BODY_LIMIT_BYTES)).pipe(
      switchMap((body) => {
        req.body = body;
        return next.handle();
      }),
    );
  }
}
