// Prisma CLI config. The schema engine runs as WebAssembly through the pg driver
// adapter because the native engines cannot be downloaded here (see ARCHITECTURE.md).
import { PrismaPg } from '@prisma/adapter-pg';
import { parse } from 'pg-connection-string';
import { defineConfig } from 'prisma/config';

function adapterFromUrl(url: string): PrismaPg {
  // Discrete fields, not connectionString: the shadow database is chosen by
  // overriding `database`, which a connection string would silently win over.
  const c = parse(url);
  return new PrismaPg({
    host: c.host ?? '127.0.0.1',
    port: c.port ? Number(c.port) : 5432,
    user: c.user ?? 'postgres',
    password: c.password ?? undefined,
    database: c.database ?? 'wharf',
  });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return adapterFromUrl(url);
  },
});
