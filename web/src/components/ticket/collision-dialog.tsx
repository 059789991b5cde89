import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import type { Message } from '../../types';
import { Modal } from '../common/modal';

interface Props { replies: Message[]; onCancel(): void; onSendAnyway(): void }

/** A colleague answered the member while we were writing: two replies to one question look careless. */
export function CollisionDialog({ replies, onCancel, onSendAnyway }: Props) {
  const { t } = useI18n();
  const { agentName } = useConsole();
  const names = [...new Set(replies.map((m) => agentName(m.author.agentId)))].join(', ');
  const latest = replies.at(-1);
  return (
    <Modal title={t('collision.title')} onClose={onCancel} testId="collision-warning"
      footer={<>
        <button type="button" className="btn" onClick={onCancel} data-testid="collision-cancel">{t('collision.review')}</button>
        <button type="button" className="btn btn--danger" onClick={onSendAnyway} data-testid="collision-send-anyway">{t('collision.sendAnyway')}</button>
      </>}>
      <p><strong>{t('collision.text', { names })}</strong></p>
      {latest && <blockquote className="collision__quote">{latest.text.slice(0, 400)}</blockquote>}
    </Modal>
  );
}
