import { useI18n } from '../../i18n/i18n';

/** Open follow-up tasks (回访) of the agent's departments (issue 9): being built. */
export function FollowUpsPage(_: { onOpenTicket(id: number): void }) {
  const { t } = useI18n();
  return <h2>{t('nav.followUps')}</h2>;
}
