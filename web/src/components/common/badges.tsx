import { useI18n } from '../../i18n/i18n';
import type { Channel, Priority, Tier, TicketStatus } from '../../types';

export function StatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--status-${status}`}>{t(`status.${status}`)}</span>;
}

export function PriorityBadge({ priority, quiet }: { priority: Priority; quiet?: boolean }) {
  const { t } = useI18n();
  // A queue full of "normal" badges is noise: rows show only what stands out.
  if (quiet && (priority === 'normal' || priority === 'low')) return null;
  return <span className={`badge badge--priority-${priority}`}>{t(`priority.${priority}`)}</span>;
}

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  return <span className={`channel channel--${channel}`} title={t(`channel.${channel}`)}>{t(`channel.${channel}`)}</span>;
}

export function TierBadge({ tier }: { tier: Tier }) {
  const { t } = useI18n();
  return <span className={`badge badge--tier-${tier}`}>{t(`tier.${tier}`)}</span>;
}
