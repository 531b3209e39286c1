// Runs before routing and before any body is read: a state-changing request that a browser
// sent from another site is refused with 403, whatever route it targets.
import type { ErrorView } from '@wharf/shared';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { crossSiteRefusal, SAFE_METHODS } from './browser-origin.js';
import { closeIfBodyUnread } from './close-after-refusal.js';

export function originPolicy(accepted: ReadonlySet<string>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    const refusal = crossSiteRefusal(req.headers, accepted);
    if (refusal === null) return next();
    closeIfBodyUnread(req, res);
    res.status(403).json({ statusCode: 403, error: 'Forbidden', message: refusal } satisfies ErrorView);
  };
}
