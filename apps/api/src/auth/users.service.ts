import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateUserBody, MeView, UserView } from '@wharf/shared';
import type { User } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { PasswordService } from './password.service.js';

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, createdAt: u.createdAt.toISOString() };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
  ) {}

  async create(body: CreateUserBody): Promise<User> {
    const existing = await this.prisma.user.findUnique({ where: { email: body.email } });
    if (existing) throw new ConflictException(`a user with email ${body.email} already exists`);
    return this.prisma.user.create({
      data: {
        email: body.email,
        name: body.name,
        isAdmin: body.isAdmin,
        passwordHash: await this.passwords.hash(body.password),
      },
    });
  }

  async findById(userId: string): Promise<User> {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw new NotFoundException('user not found');
    return user;
  }

  async setPassword(userId: string, password: string): Promise<void> {
    await this.prisma.user.update({
      where: { id: userId },
      data: { passwordHash: await this.passwords.hash(password) },
    });
  }

  async list(): Promise<UserView[]> {
    const users = await this.prisma.user.findMany({ orderBy: { email: 'asc' } });
    return users.map(toUserView);
  }

  async me(userId: string): Promise<MeView> {
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      include: { memberships: { include: { project: { select: { slug: true } } } } },
    });
    return {
      ...toUserView(user),
      memberships: user.memberships.map((m) => ({ projectId: m.projectId, projectSlug: m.project.slug, role: m.role })),
    };
  }
}
