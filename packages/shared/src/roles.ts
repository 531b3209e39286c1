import { z } from 'zod';

export const PROJECT_ROLES = ['viewer', 'deployer', 'maintainer'] as const;
export const projectRoleSchema = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof projectRoleSchema>;

const rank: Record<ProjectRole, number> = { viewer: 0, deployer: 1, maintainer: 2 };

/** True when `role` grants at least what `required` grants. */
export function roleAtLeast(role: ProjectRole, required: ProjectRole): boolean {
  return rank[role] >= rank[required];
}
