import { formatCountdown } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useServerNow } from '../../server-clock';

export type ClockState = 'neutral' | 'warning' | 'breached';

export function clockState(now: number, dueAt: string, warnAt: string | null | undefined, breached: boolean): ClockState {
  if (breached || Date.parse(dueAt) <= now) return 'breached';
  if (warnAt && Date.parse(warnAt) <= now) return 'warning';
  return 'neutral';
}

interface Props {
  dueAt: string;
  warnAt?: string | null;
  breached?: boolean;
  /** What the deadline is for, read out in the tooltip. */
  label?: string;
}

/** Time to an SLA deadline, ticking every second on the server's clock: neutral, amber after warnAt, red when breached. */
export function Countdown({ dueAt, warnAt, breached = false, label }: Props) {
  const { t } = useI18n();
  const now = useServerNow();
  const state = clockState(now, dueAt, warnAt, breached);
  const left = Date.parse(dueAt) - now;
  const title = `${label ? `${label} · ` : ''}${t(left < 0 ? 'sla.overdueBy' : 'sla.dueIn', { time: formatCountdown(Math.abs(left), t) })}`;
  return (
    <span className={`countdown countdown--${state}`} data-testid="countdown" data-state={state} title={title} aria-label={title}>
      {formatCountdown(left, t)}
    </span>
  );
}
