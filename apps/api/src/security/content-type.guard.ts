// Refuses a state-changing request whose Content-Type is not what its route reads (JSON
// unless the route declares @StreamBody), before authentication and before any body byte is
// read. A missing Content-Type is refused too: fetch() can send a body without one, cross-site
// and without a preflight.
import { type CanActivate, type ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { BODY_POLICY_KEY, type BodyPolicy, charsetOf, JSON_BODY, mediaType } from './body-policy.js';
import { SAFE_METHODS } from './browser-origin.js';

@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const policy = bodyPolicy(this.reflector, context);
    const header = req.headers['content-type'];
    const type = mediaType(header);
    if (type === null || !policy.types.includes(type)) {
      const got = type === null ? 'none was sent' : `got ${type.slice(0, 100)}`;
      throw new UnsupportedMediaTypeException(`Content-Type must be ${policy.types.join(' or ')} (${got})`);
    }
    const charset = charsetOf(header);
    if (policy.read === 'json' && charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      throw new UnsupportedMediaTypeException('JSON request bodies must be UTF-8');
    }
    return true;
  }
}

export function bodyPolicy(reflector: Reflector, context: ExecutionContext): BodyPolicy {
  return (
    reflector.getAllAndOverride<BodyPolicy | undefined>(BODY_POLICY_KEY, [context.getHandler(), context.getClass()]) ??
    JSON_BODY
  );
}
