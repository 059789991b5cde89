import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';

export function ConnStatus() {
  const { conn } = useConsole();
  const { t } = useI18n();
  return (
    <span className={`conn conn--${conn}`} data-testid="conn-status" data-state={conn} title={t(`conn.${conn}.hint`)} role="status">
      <span className="conn__dot" aria-hidden="true" />
      {t(`conn.${conn}`)}
    </span>
  );
}
