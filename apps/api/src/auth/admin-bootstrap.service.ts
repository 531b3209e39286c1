// Creates the first administrator when the database has no users: from
// WHARF_ADMIN_EMAIL/WHARF_ADMIN_PASSWORD, or with a generated password printed once and
// kept (root-only) in the data directory, like Jenkins' initialAdminPassword.
import { Inject, Injectable } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { JsonLogger } from '../common/json-logger.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { PasswordService } from './password.service.js';
import { randomBase62 } from './tokens.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@wharf.local';

@Injectable()
export class AdminBootstrapService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Returns the created admin's email and whether its password was generated. */
  async ensureAdmin(): Promise<{ email: string; generatedPassword: string | null } | null> {
    if ((await this.prisma.user.count()) > 0) return null;
    const email = this.config.WHARF_ADMIN_EMAIL?.toLowerCase() ?? DEFAULT_ADMIN_EMAIL;
    const generated = this.config.WHARF_ADMIN_PASSWORD ? null : randomBase62(20);
    const password = this.config.WHARF_ADMIN_PASSWORD ?? generated!;
    await this.prisma.user.create({
      data: { email, name: 'Administrator', isAdmin: true, passwordHash: await this.passwords.hash(password) },
    });
    await this.audit.record(
      { actor: { type: 'system', label: 'system' }, ip: null },
      { action: 'user.created', subjectType: 'user', data: { email, isAdmin: true, bootstrap: true } },
    );
    if (generated) {
      await mkdir(this.config.WHARF_DATA_DIR, { recursive: true });
      await writeFile(join(this.config.WHARF_DATA_DIR, 'initial-admin-password'), `${generated}\n`, { mode: 0o600 });
    }
    this.logger.event(
      'info',
      'created the first administrator',
      { email, passwordSource: generated ? 'generated' : 'WHARF_ADMIN_PASSWORD' },
      'AdminBootstrap',
    );
    return { email, generatedPassword: generated };
  }
}
