import { useI18n } from '../../i18n/i18n';

/** No ticket in the period (under these filters). */
export function Empty() {
  const { t } = useI18n();
  return (
    <div className="report-empty" data-testid="report-empty">
      <strong>{t('reports.empty')}</strong>
      <span>{t('reports.emptyHint')}</span>
    </div>
  );
}
