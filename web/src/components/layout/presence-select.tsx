import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { PRESENCES, type Presence } from '../../types';

/** Online agents receive tickets by round robin / least loaded; away and offline do not. */
export function PresenceSelect() {
  const { presence, setPresence } = useConsole();
  const { reportError } = useNotices();
  const { t } = useI18n();
  return (
    <label className={`presence presence--${presence}`} title={t('presence.hint')}>
      <span className="presence__dot" aria-hidden="true" />
      <select value={presence} aria-label={t('presence.label')} data-testid="presence-select"
        onChange={(e) => { void setPresence(e.target.value as Presence).then((err) => err && reportError(err)); }}>
        {PRESENCES.map((p) => <option key={p} value={p}>{t(`presence.${p}`)}</option>)}
      </select>
    </label>
  );
}
