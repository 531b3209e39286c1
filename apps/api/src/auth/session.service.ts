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

  async resolve(token: string): Promise<UserActor | null> {
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: hashSecret(token) },
      include: { user: true },
    });
    return session ? liveUser(session) : null;
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

/** The session's user, unless the session expired or the user is disabled. */
function liveUser(session: {
  expiresAt: Date;
  user: { id: string; email: string; name: string; isAdmin: boolean; disabledAt: Date | null };
}): UserActor | null {
  if (session.expiresAt < new Date() || session.user.disabledAt) return null;
  const { user } = session;
  return { type: 'user', id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
