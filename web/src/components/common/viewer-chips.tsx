import { initials } from '../../format';
import { useI18n } from '../../i18n/i18n';
import type { Viewer } from '../../types';

/** Colleagues on a ticket: initials, with a pencil while they type. */
export function ViewerChips({ viewers, compact }: { viewers: Viewer[]; compact?: boolean }) {
  const { t } = useI18n();
  if (!viewers.length) return null;
  const names = viewers.map((v) => (v.typing ? t('viewers.typingName', { name: v.name }) : v.name)).join(', ');
  return (
    <span className={`viewer-chips${compact ? ' viewer-chips--compact' : ''}`} data-testid="viewers" title={t('viewers.title', { names })}>
      {viewers.slice(0, 3).map((v) => (
        <span key={v.agentId} className={`avatar${v.typing ? ' avatar--typing' : ''}`} aria-label={v.name}>{initials(v.name)}</span>
      ))}
      {viewers.length > 3 && <span className="avatar avatar--more">+{viewers.length - 3}</span>}
    </span>
  );
}
