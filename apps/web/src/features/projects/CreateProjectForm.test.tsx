import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { errorResponse, installFakeApi, json } from '../../test/fake-api';
import { project } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { CreateProjectForm } from './CreateProjectForm';

describe('CreateProjectForm', () => {
  it('shows the shared schema message next to the field without calling the API', async () => {
    const { calls } = installFakeApi({});
    renderWithProviders(<CreateProjectForm onCreated={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId('project-slug'), 'Bad Slug');
    await userEvent.type(screen.getByTestId('project-name'), 'Shop');
    await userEvent.click(screen.getByTestId('project-submit'));
    expect(await screen.findByTestId('field-error-slug')).toHaveTextContent(
      'slug must be 1-63 lower-case letters, digits or "-", not starting with "-"',
    );
    expect(screen.getByTestId('project-slug')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('shows the API issues next to their fields and the message inline', async () => {
    installFakeApi({
      'POST /api/v1/projects': () =>
        errorResponse(409, 'a project with this slug already exists', [
          { path: 'slug', message: 'slug is already taken' },
        ]),
    });
    renderWithProviders(<CreateProjectForm onCreated={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId('project-slug'), 'shop');
    await userEvent.type(screen.getByTestId('project-name'), 'Shop');
    await userEvent.click(screen.getByTestId('project-submit'));
    expect(await screen.findByTestId('field-error-slug')).toHaveTextContent('slug is already taken');
    expect(screen.getByTestId('form-error')).toHaveTextContent('a project with this slug already exists');
    expect(screen.queryByTestId('field-error-name')).not.toBeInTheDocument();
  });

  it('lists issues for fields the form does not show', async () => {
    installFakeApi({
      'POST /api/v1/projects': () =>
        errorResponse(400, 'invalid body', [{ path: 'owner', message: 'unexpected field' }]),
    });
    renderWithProviders(<CreateProjectForm onCreated={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId('project-slug'), 'shop');
    await userEvent.type(screen.getByTestId('project-name'), 'Shop');
    await userEvent.click(screen.getByTestId('project-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('unexpected field');
  });

  it('disables submit while pending and reports the created project', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { calls } = installFakeApi({
      'POST /api/v1/projects': async () => {
        await gate;
        return json(project('maintainer'), 201);
      },
    });
    const onCreated = vi.fn();
    renderWithProviders(<CreateProjectForm onCreated={onCreated} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId('project-slug'), 'shop');
    await userEvent.type(screen.getByTestId('project-name'), '  Shop  ');
    await userEvent.click(screen.getByTestId('project-submit'));
    await waitFor(() => expect(screen.getByTestId('project-submit')).toBeDisabled());
    release();
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ slug: 'shop' })));
    // The body is the schema's output: trimmed name, default description.
    expect(calls[0]?.body).toEqual({ slug: 'shop', name: 'Shop', description: '' });
  });
});
