import type { Queue } from '../../hooks/use-queue';
import { useI18n } from '../../i18n/i18n';
import { filtersActive, type QueueFilters } from '../../state/queue-filters';
import { ErrorNote } from '../common/error-note';
import { DueFollowUps } from './due-follow-ups';
import { QueueFiltersBar } from './queue-filters-bar';
import { QueueRow } from './queue-row';

interface Props {
  queue: Queue;
  filters: QueueFilters;
  onFilters(f: QueueFilters): void;
  selectedId: number | null;
  onOpen(id: number): void;
}

export function QueuePanel({ queue, filters, onFilters, selectedId, onOpen }: Props) {
  const { t } = useI18n();
  return (
    <section className="queue" aria-label={t('queue.title')} data-testid="queue" data-loading={queue.loading ? 'true' : 'false'}>
      <header className="queue__head">
        <h2>{t('queue.title')}</h2>
        <span className="queue__count">{queue.loading ? t('common.loading') : t(queue.hasMore ? 'queue.countMore' : 'queue.count', { count: queue.items.length })}</span>
        <button type="button" className="icon-btn" onClick={queue.reload} title={t('queue.refresh')} aria-label={t('queue.refresh')} data-testid="queue-refresh">↻</button>
      </header>
      <DueFollowUps onOpen={onOpen} />
      <QueueFiltersBar filters={filters} onChange={onFilters} />
      {queue.error && <ErrorNote error={queue.error} onRetry={queue.reload} />}
      {!queue.loading && !queue.error && queue.items.length === 0 ? (
        <div className="queue__empty" data-testid="queue-empty">
          <strong>{t(filtersActive(filters) ? 'queue.emptyFiltered' : 'queue.empty')}</strong>
          <span>{t(filtersActive(filters) ? 'queue.emptyFilteredHint' : 'queue.emptyHint')}</span>
        </div>
      ) : (
        <ul className="queue__list">
          {queue.items.map((item) => <QueueRow key={item.id} item={item} selected={item.id === selectedId} onOpen={onOpen} />)}
          {queue.hasMore && (
            <li className="queue__more">
              <button type="button" className="btn btn--block" onClick={queue.loadMore} disabled={queue.loadingMore} data-testid="queue-load-more">
                {queue.loadingMore ? t('common.loading') : t('queue.loadMore')}
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
