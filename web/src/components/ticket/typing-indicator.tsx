import { useI18n } from '../../i18n/i18n';
import type { Viewer } from '../../types';

interface Props { memberTyping: boolean; memberName: string | null; colleagues: Viewer[] }

/** Present only while someone types: the member (web chat) or a colleague on this ticket. */
export function TypingIndicator({ memberTyping, memberName, colleagues }: Props) {
  const { t } = useI18n();
  const typing = colleagues.filter((v) => v.typing);
  if (!memberTyping && !typing.length) return null;
  const parts: string[] = [];
  if (memberTyping) parts.push(t('typing.member', { name: memberName ?? t('message.member') }));
  if (typing.length) parts.push(t('typing.colleagues', { names: typing.map((v) => v.name).join(', ') }));
  return (
    <div className={`typing${typing.length ? ' typing--colleague' : ''}`} data-testid="typing-indicator" role="status"
      data-member={memberTyping ? 'true' : 'false'} data-agents={typing.map((v) => v.agentId).join(',')}>
      <span className="typing__dots" aria-hidden="true"><i /><i /><i /></span>
      {parts.join(' · ')}
    </div>
  );
}
