// Promotion rule: a version may be released to this environment only after it succeeded in
// the environment named here (e.g. production takes only what passed pre-production).
import type { EnvironmentView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useSetPromotionRule } from '../../api/release-rules/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';

export function PromotionSection({ slug, env }: { slug: string; env: EnvironmentView }) {
  const { t } = useI18n();
  const envs = useEnvironments(slug);
  const [sourceId, setSourceId] = useState(env.promoteFromId ?? '');
  const [saved, setSaved] = useState(false);
  const save = useSetPromotionRule(slug, env.id);
  const idp = `promotion-${env.id}`;
  const others = (envs.data ?? []).filter((e) => e.id !== env.id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate({ promoteFromEnvironmentId: sourceId || null }, { onSuccess: () => setSaved(true) });
  };
  return (
    <form onSubmit={submit}>
      <fieldset className="fieldset" data-testid="settings-promotion">
        <legend>{t('promotion.title')}</legend>
        <p className="muted small">{t('promotion.hint')}</p>
        <div className="form-grid">
          <Field id={`${idp}-source`} name="promoteFromEnvironmentId" label={t('promotion.source')}>
            <select
              id={`${idp}-source`}
              value={sourceId}
              onChange={(e) => {
                setSourceId(e.target.value);
                setSaved(false);
              }}
              data-testid="promotion-source"
            >
              <option value="">{t('promotion.none')}</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-small" disabled={save.isPending} data-testid="promotion-save">
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
          {saved && (
            <span className="saved-note" role="status" data-testid="promotion-saved">
              {t('promotion.saved')}
            </span>
          )}
        </div>
        <ErrorNotice error={save.error} testId="promotion-error" />
      </fieldset>
    </form>
  );
}
