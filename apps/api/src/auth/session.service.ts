import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { AccessEvents } from './access-events.js';
import type { UserActor } from '../common/request-context.js';
import { hashSecret, randomBase62 } from './tokens.js';

export const SESSION_COOKIE = 'wharf_session';

@Injectable()
export class SessionService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accessEvents: AccessEvents,
  ) {}

  get ttlMs(): number {
    return this.config.WHARF_SESSION_TTL_HOURS * 3600_000;
  }

  async create(userId: string, ip: string | null, userAgent: string | null): Promise<string> {
    const token = randomBase62(43);
    await this.prisma.session.create({
      data: {
        tokenHash: hashSecret(token),
        userId,
        expiresAt: new Date(Date.now() + this.ttlMs),
        ip,
        userAgent: userAgent?.slice(0, 300) ?? null,
      },
    });
    return token;
  }

  /** Every request with a session cookie asks this: one statement (Prisma's include sends two). */
  async resolve(token: string): Promise<UserActor | null> {
    // timestamp(3) columns hold UTC: read as exact ISO text, not in the process's local zone.
    const rows = await this.prisma.$queryRaw<SessionUserRow[]>`
      SELECT to_char(s."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "expiresAt",
             u."id", u."email", u."name", u."isAdmin",
             to_char(u."disabledAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "disabledAt"
        FROM "Session" s JOIN "User" u ON u."id" = s."userId"
       WHERE s."tokenHash" = ${hashSecret(token)}`;
    const r = rows[0];
    if (!r) return null;
    return liveUser({
      expiresAt: new Date(r.expiresAt),
      user: {
        id: r.id,
        email: r.email,
        name: r.name,
        isAdmin: r.isAdmin,
        disabledAt: r.disabledAt === null ? null : new Date(r.disabledAt),
      },
    });
  }

  /** resolve() for many tokens in one query: token → user, for the sessions still valid. */
  async resolveMany(tokens: readonly string[]): Promise<Map<string, UserActor>> {
    const byHash = new Map(tokens.map((t) => [hashSecret(t), t]));
    const sessions = await this.prisma.session.findMany({
      where: { tokenHash: { in: [...byHash.keys()] } },
      include: { user: true },
    });
    const out = new Map<string, UserActor>();
    for (const s of sessions) {
      const user = liveUser(s);
      const token = byHash.get(s.tokenHash);
      if (user && token !== undefined) out.set(token, user);
    }
    return out;
  }

  async destroy(token: string): Promise<void> {
    const tokenHash = hashSecret(token);
    const session = await this.prisma.session.findUnique({ where: { tokenHash }, select: { userId: true } });
    await this.prisma.session.deleteMany({ where: { tokenHash } });
    if (session) await this.accessEvents.revoked(session.userId);
  }

  /** Signs the user out everywhere (password changed or reset); returns how many sessions ended. */
  async destroyAllOf(userId: string): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { userId } });
    if (count > 0) await this.accessEvents.revoked(userId);
    return count;
  }
}

interface SessionUserRow {
  expiresAt: string;
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabledAt: string | null;
}

/** The session's user, unless the session expired or the user is disabled. */
function liveUser(session: {
  expiresAt: Date;
  user: { id: string; email: string; name: string; isAdmin: boolean; disabledAt: Date | null };
}): UserActor | null {
  if (session.expiresAt < new Date() || session.user.disabledAt) return null;
  const { user } = session;
  return { type: 'user', id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
