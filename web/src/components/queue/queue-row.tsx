import { memo } from 'react';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { isUnread } from '../../state/queue-filters';
import { useViewers } from '../../state/viewers-store';
import type { QueueItem } from '../../types';
import { ChannelBadge, PriorityBadge, StatusBadge, TierBadge } from '../common/badges';
import { Countdown } from '../common/countdown';
import { ViewerChips } from '../common/viewer-chips';

interface Props { item: QueueItem; selected: boolean; onOpen(id: number): void }

export const QueueRow = memo(function QueueRow({ item, selected, onOpen }: Props) {
  const { t, locale } = useI18n();
  const { agentName, me, viewers } = useConsole();
  const others = useViewers(viewers, item.id, me.id);
  const unread = isUnread(item);
  const memberName = item.member?.name ?? t('member.anonymous');
  return (
    <li>
      <button type="button" className={`qrow${selected ? ' qrow--selected' : ''}${unread ? ' qrow--unread' : ''}`}
        onClick={() => onOpen(item.id)} aria-current={selected ? 'true' : undefined}
        data-testid="queue-item" data-ticket-id={item.id} data-unread={unread ? 'true' : 'false'}>
        <span className="qrow__top">
          {unread && <span className="qrow__unread" title={t('queue.unread')} aria-label={t('queue.unread')} />}
          <span className="qrow__number">{item.number}</span>
          <ChannelBadge channel={item.channel} />
          <PriorityBadge priority={item.priority} quiet />
          {item.status !== 'new' && item.status !== 'open' && <StatusBadge status={item.status} />}
          <span className="qrow__spacer" />
          {item.sla?.dueAt ? <Countdown dueAt={item.sla.dueAt} warnAt={item.sla.warnAt} breached={item.sla.breached} label={t('sla.next')} />
            : <span className="qrow__time">{formatTime(item.lastMessageAt, locale)}</span>}
        </span>
        <span className="qrow__subject">{item.subject || t('ticket.noSubject')}</span>
        <span className="qrow__meta">
          <span className="qrow__member">{memberName}</span>
          {item.member && item.member.tier !== 'standard' && <TierBadge tier={item.member.tier} />}
          <span className="qrow__assignee">· {item.assigneeId === me.id ? t('queue.me') : agentName(item.assigneeId)}</span>
          <span className="qrow__spacer" />
          <ViewerChips viewers={others} compact />
        </span>
      </button>
    </li>
  );
});
