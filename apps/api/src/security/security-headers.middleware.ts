// Response headers for every answer (dashboard, API, docs), set by helmet. The dashboard is
// built by Vite into plain files: scripts, styles and fonts from its own origin, the favicon
// as a data: URL, fetch and the live-log socket to its own origin. Swagger UI at /api/docs
// has inline <style> blocks, so its pages alone allow inline styles. No page may be framed.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

export function securityHeaders(publicUrl: string, accepted: ReadonlySet<string>): RequestHandler {
  const https = publicUrl.startsWith('https:');
  const directives: Directives = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    // 'self' covers ws(s): in current browsers; the explicit origins are for older ones.
    // CSP cannot name an IPv6 literal ([::1]), so those are left to 'self'.
    'connect-src': ["'self'", ...[...accepted].filter((o) => !o.includes('[')).map((o) => o.replace(/^http/, 'ws'))],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Only over https: on a plain-http install it would break every subresource.
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
  const withCsp = (csp: Directives) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: csp },
      xFrameOptions: { action: 'deny' },
      // HSTS only when Wharf is served over https; never includeSubDomains for a self-hosted tool
      // that does not own its parent domain.
      strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    });
  const app = withCsp(directives);
  const docs = withCsp({ ...directives, 'style-src': ["'self'", "'unsafe-inline'"] });
  return (req: Request, res: Response, next: NextFunction): void => {
    (/^\/api\/docs(\/|$)/.test(req.path) ? docs : app)(req, res, next);
  };
}
