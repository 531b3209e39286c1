import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import type { LiveConnectionFactory } from '../api/live/live-connection';
import { LiveConnectionContext } from '../api/live/live-context';
import { createQueryClient } from '../api/query-client';
import { I18nProvider } from '../i18n/I18nProvider';
import type { Locale } from '../i18n/locale';
import { routes } from '../routes';

/** Renders the real app routes at `path` with a fresh query client. */
export function renderApp(
  path: string,
  opts: { locale?: Locale; routeTable?: RouteObject[]; live?: LiveConnectionFactory } = {},
) {
  const router = createMemoryRouter(opts.routeTable ?? routes, { initialEntries: [path] });
  const qc = createQueryClient();
  const app = (
    <I18nProvider locale={opts.locale ?? 'en'}>
      <QueryClientProvider client={qc}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nProvider>
  );
  const utils = render(
    opts.live ? <LiveConnectionContext.Provider value={opts.live}>{app}</LiveConnectionContext.Provider> : app,
  );
  return { ...utils, router, qc };
}

/** Renders one component with providers only (no router). */
export function renderWithProviders(ui: ReactNode, opts: { locale?: Locale } = {}) {
  const qc = createQueryClient();
  return {
    ...render(
      <I18nProvider locale={opts.locale ?? 'en'}>
        <QueryClientProvider client={qc}>{ui}</QueryClientProvider>
      </I18nProvider>,
    ),
    qc,
  };
}
