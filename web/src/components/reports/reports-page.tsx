import { useI18n } from '../../i18n/i18n';

/** The managers' dashboard (issue 9): being built. */
export function ReportsPage() {
  const { t } = useI18n();
  return <h2>{t('reports.title')}</h2>;
}
