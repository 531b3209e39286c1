import { updateProjectSchema, type ProjectView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useUpdateProject } from '../../api/projects/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

export function EditProjectForm({ project, onDone }: { project: ProjectView; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateProject(project.slug);
  const form = useFieldErrors(update);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(updateProjectSchema, { name, description });
    if (body) update.mutate(body, { onSuccess: () => onDone() });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="project-edit-form">
      <TextField
        id="project-edit-name"
        name="name"
        label={t('field.name')}
        value={name}
        onChange={setName}
        error={form.error('name')}
        testId="project-edit-name"
      />
      <TextField
        id="project-edit-description"
        name="description"
        label={t('field.description')}
        value={description}
        onChange={setDescription}
        error={form.error('description')}
        multiline
        rows={3}
        testId="project-edit-description"
      />
      <ErrorNotice error={update.error} fields={['name', 'description']} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending} data-testid="project-edit-submit">
          {update.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
