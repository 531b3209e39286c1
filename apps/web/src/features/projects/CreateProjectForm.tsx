import { createProjectSchema, type ProjectView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateProject } from '../../api/projects/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

const FIELDS = ['slug', 'name', 'description'] as const;

export function CreateProjectForm({
  onCreated,
  onCancel,
}: {
  onCreated: (p: ProjectView) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateProject();
  const form = useFieldErrors(create);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(createProjectSchema, { slug, name, description });
    if (body) create.mutate(body, { onSuccess: (created) => onCreated(created) });
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="project-form">
      <h3>{t('projects.new')}</h3>
      <div className="form-grid">
        <TextField
          id="project-slug"
          name="slug"
          label={t('field.slug')}
          value={slug}
          onChange={setSlug}
          error={form.error('slug')}
          hint={t('projects.slugHint')}
          placeholder="my-app"
          mono
          autoFocus
          testId="project-slug"
        />
        <TextField
          id="project-name"
          name="name"
          label={t('field.name')}
          value={name}
          onChange={setName}
          error={form.error('name')}
          placeholder="My app"
          testId="project-name"
        />
      </div>
      <TextField
        id="project-description"
        name="description"
        label={t('field.description')}
        value={description}
        onChange={setDescription}
        error={form.error('description')}
        multiline
        rows={2}
        testId="project-description"
      />
      <ErrorNotice error={create.error} fields={FIELDS} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="project-submit">
          {create.isPending ? t('common.creating') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
