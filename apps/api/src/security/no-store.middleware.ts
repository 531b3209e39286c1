// API answers are never kept by a cache (browser, proxy): they carry project data read with
// the caller's cookie or token, and some carry a secret shown once (a new CI token, a
// webhook token, a generated password). Set before routing, so refusals and errors get it
// too; a route may still set its own Cache-Control. The dashboard's files keep theirs.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

// Case-insensitive, as Express matches routes (a POST to /API/V1/... reaches its handler).
const API_PATH = /^\/(api\/v1|api\/health)(\/|$)/i;

export function noStoreForApi(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (API_PATH.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
