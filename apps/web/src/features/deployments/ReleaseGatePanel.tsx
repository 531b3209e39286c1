// What the release gates say before a release is asked for (GET .../release-check): the
// promotion rule met or not, an active freeze window with its reason and end, and the
// approvals needed. A refusal offers the override reason field only to whom may override
// (admins for promotion, maintainers for a freeze); the API checks again either way.
import type { ReleaseCheckView, ReleaseOverrides } from '@wharf/shared';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';

/** Shortest reason the API takes (releaseOverridesSchema). */
const MIN_REASON = 3;

export interface GateReasons {
  promotion: string;
  freeze: string;
}

export const NO_REASONS: GateReasons = { promotion: '', freeze: '' };

/** The override fields to send, and whether the release would be refused as things stand. */
export function gateOutcome(
  check: ReleaseCheckView | undefined,
  reasons: GateReasons,
): { overrides: ReleaseOverrides; blocked: boolean } {
  const overrides: ReleaseOverrides = {};
  if (!check) return { overrides, blocked: false };
  let blocked = false;
  if (check.promotion.required && check.promotion.met === false) {
    const r = reasons.promotion.trim();
    if (check.promotion.mayOverride && r.length >= MIN_REASON) overrides.promotionOverrideReason = r;
    else blocked = true;
  }
  if (check.freeze.active) {
    const r = reasons.freeze.trim();
    if (check.freeze.mayOverride && r.length >= MIN_REASON) overrides.freezeOverrideReason = r;
    else blocked = true;
  }
  return { overrides, blocked };
}

export function ReleaseGatePanel({
  check,
  envName,
  version,
  reasons,
  onReasons,
  testIdPrefix = 'release',
}: {
  check: ReleaseCheckView;
  envName: string;
  version: string;
  reasons: GateReasons;
  onReasons: (r: GateReasons) => void;
  testIdPrefix?: string;
}) {
  const { t } = useI18n();
  const { promotion, freeze, approvals } = check;
  const id = (s: string) => `${testIdPrefix}-gate-${s}`;
  if (!promotion.required && !freeze.active && approvals.required === 0) return null;
  return (
    <div className="release-gates" data-testid={id('panel')}>
      {promotion.required && promotion.source && (
        <div
          className={`alert ${promotion.met === false ? 'alert-warn' : 'alert-info'}`}
          data-testid={id('promotion')}
          data-met={String(promotion.met)}
        >
          {promotion.met === false
            ? t('gates.promotion.notMet', { version, source: promotion.source.name, env: envName })
            : t('gates.promotion.met', { version, source: promotion.source.name })}
          {promotion.met === false &&
            (promotion.mayOverride ? (
              <TextField
                id={id('promotion-reason')}
                name="promotionOverrideReason"
                label={t('gates.promotion.overrideLabel')}
                hint={t('gates.overrideHint')}
                value={reasons.promotion}
                onChange={(v) => onReasons({ ...reasons, promotion: v })}
                testId={id('promotion-reason')}
              />
            ) : (
              <p className="small" data-testid={id('promotion-admin-only')}>
                {t('gates.promotion.adminOnly')}
              </p>
            ))}
        </div>
      )}
      {freeze.active && (
        <div className="alert alert-warn" data-testid={id('freeze')}>
          {t('gates.freeze.active', { reason: freeze.active.reason, end: freeze.active.endsAtLocal })}
          {freeze.mayOverride ? (
            <TextField
              id={id('freeze-reason')}
              name="freezeOverrideReason"
              label={t('gates.freeze.overrideLabel')}
              hint={t('gates.overrideHint')}
              value={reasons.freeze}
              onChange={(v) => onReasons({ ...reasons, freeze: v })}
              testId={id('freeze-reason')}
            />
          ) : (
            <p className="small" data-testid={id('freeze-maintainer-only')}>
              {t('gates.freeze.maintainerOnly')}
            </p>
          )}
        </div>
      )}
      {approvals.required > 0 && (
        <div className="alert alert-info" data-testid={id('approvals')}>
          {t('gates.approvals.needed', { n: approvals.required })}
        </div>
      )}
    </div>
  );
}
