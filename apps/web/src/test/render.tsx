import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { createQueryClient } from '../api/query-client';
import { I18nProvider } from '../i18n/I18nProvider';
import type { Locale } from '../i18n/locale';
import { routes } from '../routes';

/** Renders the real app routes at `path` with a fresh query client. */
export function renderApp(path: string, opts: { locale?: Locale; routeTable?: RouteObject[] } = {}) {
  const router = createMemoryRouter(opts.routeTable ?? routes, { initialEntries: [path] });
  const qc = createQueryClient();
  const utils = render(
    <I18nProvider locale={opts.locale ?? 'en'}>
      <QueryClientProvider client={qc}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nProvider>,
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
