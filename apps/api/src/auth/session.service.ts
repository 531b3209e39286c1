import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { UserActor } from './request-context.js';
import { hashSecret, randomBase62 } from './tokens.js';

export const SESSION_COOKIE = 'wharf_session';

@Injectable()
export class SessionService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
    const { user } = session;
    return { type: 'user', id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
  }

  async destroy(token: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: hashSecret(token) } });
  }

  /** Signs the user out everywhere (password changed or reset); returns how many sessions ended. */
  async destroyAllOf(userId: string): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { userId } });
    return count;
  }
}
