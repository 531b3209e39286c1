import type { MeView, ProjectView } from '@wharf/shared';

export const adminMe: MeView = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'admin@example.com',
  name: 'Ada Admin',
  isAdmin: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  memberships: [],
};

export const viewerMe: MeView = {
  ...adminMe,
  id: '00000000-0000-4000-8000-000000000002',
  email: 'viv@example.com',
  name: 'Viv Viewer',
  isAdmin: false,
  memberships: [{ projectId: 'p1', projectSlug: 'shop', role: 'viewer' }],
};

export function project(role: ProjectView['role'], slug = 'shop'): ProjectView {
  return { id: 'p1', slug, name: 'Shop', description: 'The shop', createdAt: '2025-01-02T00:00:00.000Z', role };
}
