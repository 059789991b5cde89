import { useEffect, useState } from 'react';
import { api, asApiError } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import type { QueueItem, TicketDetail } from '../../types';
import { isFirstContactRecord, type MemberView } from '../../wechat-api';
import { StatusBadge, TierBadge } from '../common/badges';
import { LinkMemberDialog } from './link-member-dialog';

interface Props {
  ticket: TicketDetail;
  onOpen(id: number): void;
  /** The ticket changed here (its member, after a link): the view and the queue follow. */
  onChanged?(t: TicketDetail): void;
}

/** Who the member is (contacts masked, as the API gives them) and what else they have asked us lately. */
export function MemberPanel({ ticket, onOpen, onChanged }: Props) {
  const { t, locale } = useI18n();
  const { me, agentName } = useConsole();
  const { toast, reportError } = useNotices();
  const member = ticket.member;
  const [others, setOthers] = useState<QueueItem[] | null>(null);
  const [linking, setLinking] = useState(false);
  // Supervisors and admins say who a contact made at first contact really is (POST /tickets/:id/link-member).
  const canLink = (me.role === 'supervisor' || me.role === 'admin') && isFirstContactRecord(ticket);

  const linked = (to: MemberView, moved: number) => {
    setLinking(false);
    toast({ tone: 'success', text: t('wechat.link.done', { name: to.name ?? t('member.anonymous'), count: moved }) });
    api.ticket(ticket.id).then((fresh) => onChanged?.(fresh), (err) => reportError(asApiError(err)));
  };

  useEffect(() => {
    setOthers(null);
    if (!member) return;
    let live = true;
    api.listTickets({ memberId: member.id, sort: '-createdAt', limit: 11 })
      .then((p) => { if (live) setOthers(p.items.filter((x) => x.id !== ticket.id).slice(0, 10)); }, () => { if (live) setOthers([]); });
    return () => { live = false; };
  }, [member?.id, ticket.id]);

  return (
    <section className="panel" aria-label={t('member.title')} data-testid="member-panel">
      <h3 className="panel__title">{t('member.title')}</h3>
      {!member ? <p className="muted small">{t('member.none')}</p> : (
        <>
          <div className="member__name">
            <strong>{member.name ?? t('member.anonymous')}</strong>
            <TierBadge tier={member.tier} />
          </div>
          {canLink && (
            <div className="wechat-member-link" data-testid="member-first-contact">
              <p className="muted small">{t('wechat.link.firstContact')}</p>
              <button type="button" className="btn btn--small" onClick={() => setLinking(true)} data-testid="link-member-open">{t('wechat.link.button')}</button>
            </div>
          )}
          <dl className="kv">
            <div className="kv__pair"><dt>{t('member.homeStore')}</dt><dd>{member.homeStore ?? '—'}</dd></div>
            {member.identities.map((i) => (
              <div key={`${i.kind}:${i.masked}`} className="kv__pair">
                <dt>{t(`identity.${i.kind}`)}</dt>
                <dd>{i.masked}{i.bouncedAt && <span className="badge badge--warn">{t('member.bounced')}</span>}</dd>
              </div>
            ))}
            {member.dedicatedAgentId !== null && (
              <div className="kv__pair"><dt>{t('member.dedicatedAgent')}</dt><dd>{agentName(member.dedicatedAgentId)}</dd></div>
            )}
          </dl>
          <h4 className="panel__subtitle">{t('member.otherTickets')}</h4>
          {others === null ? <p className="muted small">{t('common.loading')}</p>
            : others.length === 0 ? <p className="muted small">{t('member.noOtherTickets')}</p> : (
              <ul className="mini-list" data-testid="member-tickets">
                {others.map((x) => (
                  <li key={x.id}>
                    <button type="button" className="mini-list__item" onClick={() => onOpen(x.id)}>
                      <span className="mini-list__top"><span>{x.number}</span><StatusBadge status={x.status} /><span className="muted">{formatTime(x.createdAt, locale)}</span></span>
                      <span className="mini-list__subject">{x.subject || t('ticket.noSubject')}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
        </>
      )}
      {linking && <LinkMemberDialog ticket={ticket} onClose={() => setLinking(false)} onLinked={linked} />}
    </section>
  );
}
