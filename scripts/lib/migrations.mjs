// Tells whether `prisma migrate deploy` would have nothing to do, without starting
// Prisma's schema engine (several seconds on every start). Any doubt answers false, and
// the caller runs the real `prisma migrate deploy`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

async function localMigrations(dir) {
  const out = new Map();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const sql = join(dir, entry.name, 'migration.sql');
    if (!entry.isDirectory() || !existsSync(sql)) continue;
    // Prisma records sha256(migration.sql) as the checksum.
    out.set(
      entry.name,
      createHash('sha256')
        .update(await readFile(sql))
        .digest('hex'),
    );
  }
  return out;
}

export async function migrationsUpToDate(databaseUrl, migrationsDir) {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  try {
    const local = await localMigrations(migrationsDir);
    await client.connect();
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS done, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations',
    );
    // A failed, unresolved migration: let prisma say so.
    if (rows.some((r) => !r.done && !r.rolled_back)) return false;
    const applied = new Map(rows.filter((r) => r.done && !r.rolled_back).map((r) => [r.migration_name, r.checksum]));
    for (const [name, checksum] of local) if (applied.get(name) !== checksum) return false;
    return local.size > 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
