import type { MemberView, ProjectRole, ProjectView } from '@wharf/shared';
import type { Membership, Project, User } from '../generated/prisma/client.js';

export function toProjectView(p: Project, role: ProjectRole): ProjectView {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    createdAt: p.createdAt.toISOString(),
    role,
  };
}

export function toMemberView(m: Membership & { user: Pick<User, 'id' | 'email' | 'name'> }): MemberView {
  return { userId: m.user.id, email: m.user.email, name: m.user.name, role: m.role };
}
