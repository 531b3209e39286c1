// The session cookie's attributes, in one place for sign-in and for the new session a
// password change hands out.
import type { Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { SESSION_COOKIE } from './session.service.js';

export function setSessionCookie(res: Response, token: string, config: AppConfig, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.WHARF_COOKIE_SECURE,
    path: '/',
    maxAge: maxAgeMs,
  });
}
