import { roleAtLeast, type ProjectRole, type ProjectView } from '@wharf/shared';
import { useOutletContext } from 'react-router';

export interface ProjectContext {
  project: ProjectView;
  /** True when the caller's role in this project is at least `role` (UI hint only; the API decides). */
  can: (role: ProjectRole) => boolean;
}

export function makeProjectContext(project: ProjectView): ProjectContext {
  return { project, can: (role) => roleAtLeast(project.role, role) };
}

/** For tabs rendered inside ProjectPage's <Outlet>. */
export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}
