import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import type { TicketDetail } from '../../types';
import { guessSearchBy, wechatApi, type MemberSearchBy, type MemberView } from '../../wechat-api';
import { WechatErrorNote } from '../admin/wechat-error-note';
import '../admin/wechat.css';
import { TierBadge } from '../common/badges';
import { Modal } from '../common/modal';

const SEARCH_BY: readonly MemberSearchBy[] = ['q', 'phone', 'email', 'wechat'];

interface Props {
  ticket: TicketDetail;
  onClose(): void;
  /** Linked: the contact (and its tickets on this channel) now belong to `member`. */
  onLinked(member: MemberView, moved: number): void;
}

/**
 * A supervisor says who a first-contact record really is: find the member (by name, or an exact phone, email or
 * WeChat id; contacts masked as the API gives them) and move the ticket's contact to them
 * (POST /tickets/:id/link-member, audited).
 */
export function LinkMemberDialog({ ticket, onClose, onLinked }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [by, setBy] = useState<MemberSearchBy>('q');
  // The kind follows what is typed until the supervisor picks one.
  const [byChosen, setByChosen] = useState(false);
  const [results, setResults] = useState<MemberView[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [selected, setSelected] = useState<MemberView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const current = ticket.member;
  const contact = current?.identities.find((i) => i.kind === ticket.channel)?.masked ?? '—';

  const search = async () => {
    const value = text.trim();
    if (!value || searching) return;
    setSearching(true);
    setError(null);
    setSelected(null);
    try {
      setResults((await wechatApi.searchMembers(by, value)).items);
    } catch (err) {
      setError(asApiError(err));
      setResults(null);
    } finally {
      setSearching(false);
    }
  };

  const link = async () => {
    if (!selected || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await wechatApi.linkMember(ticket.id, selected.id);
      onLinked(selected, r.tickets);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const selectedName = selected ? selected.name ?? t('member.anonymous') : '';

  return (
    <Modal title={t('wechat.link.title')} onClose={onClose} testId="link-member-dialog" wide
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void link()} disabled={!selected || busy} data-testid="link-member-confirm">
          {busy ? t('common.saving') : selected ? t('wechat.link.confirm', { name: selectedName }) : t('wechat.link.confirmNone')}
        </button>
      </>}>
      <p className="muted wechat-link-hint">{t('wechat.link.hint', { channel: t(`channel.${ticket.channel}`), contact })}</p>
      <div className="wechat-link-search">
        <input value={text} placeholder={t('wechat.link.searchPlaceholder')} aria-label={t('wechat.link.searchPlaceholder')} maxLength={190}
          onChange={(e) => { setText(e.target.value); if (!byChosen) setBy(guessSearchBy(e.target.value)); }}
          onKeyDown={(e) => { if (e.key === 'Enter' && !e.nativeEvent.isComposing) { e.preventDefault(); void search(); } }}
          data-testid="link-member-query" />
        <select value={by} aria-label={t('wechat.link.searchBy')} title={t('wechat.link.searchBy')}
          onChange={(e) => { setBy(e.target.value as MemberSearchBy); setByChosen(true); }} data-testid="link-member-by">
          {SEARCH_BY.map((k) => <option key={k} value={k}>{t(`wechat.link.by.${k}`)}</option>)}
        </select>
        <button type="button" className="btn" onClick={() => void search()} disabled={!text.trim() || searching} data-testid="link-member-search">
          {searching ? t('wechat.link.searching') : t('wechat.link.search')}
        </button>
      </div>
      {results !== null && (results.length === 0 ? <p className="muted small" data-testid="link-member-none">{t('wechat.link.noResults')}</p> : (
        <ul className="wechat-link-results" aria-label={t('wechat.link.results')} data-testid="link-member-results">
          {results.map((m) => {
            const self = m.id === current?.id;
            return (
              <li key={m.id}>
                <button type="button" className="wechat-link-result" aria-pressed={selected?.id === m.id} disabled={self}
                  onClick={() => setSelected(m)} data-testid="link-member-result" data-member-id={m.id}>
                  <span className="wechat-link-result__top">
                    <strong>{m.name ?? t('member.anonymous')}</strong>
                    <TierBadge tier={m.tier} />
                    {m.memberNumber && <span className="muted small">{t('wechat.link.memberNumber', { number: m.memberNumber })}</span>}
                    {m.homeStore && <span className="muted small">· {m.homeStore}</span>}
                    {self && <span className="badge">{t('wechat.link.current')}</span>}
                  </span>
                  {m.identities.length > 0 && (
                    <span className="wechat-link-result__contacts">
                      {m.identities.map((i) => <span key={`${i.kind}:${i.masked}`}>{t(`identity.${i.kind}`)} {i.masked}</span>)}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      ))}
      {results !== null && results.length > 0 && !selected && <p className="muted small">{t('wechat.link.choose')}</p>}
      {error && <WechatErrorNote error={error} />}
    </Modal>
  );
}
