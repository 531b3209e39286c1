export const projectKeys = {
  all: ['projects'] as const,
  list: () => [...projectKeys.all, 'list'] as const,
  detail: (slug: string) => [...projectKeys.all, 'detail', slug] as const,
  /** Root of everything cached under one project (environments, targets, ...). */
  scope: (slug: string) => ['project', slug] as const,
};
