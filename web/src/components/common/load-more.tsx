import { useI18n } from '../../i18n/i18n';

/** The "load more" button under a keyset-paged list; says it is loading while the next page comes. */
export function LoadMoreButton({ onClick, loading, className, testId }: { onClick(): void; loading: boolean; className?: string; testId: string }) {
  const { t } = useI18n();
  return (
    <button type="button" className={`btn btn--block${className ? ` ${className}` : ''}`} onClick={onClick} disabled={loading} data-testid={testId}>
      {loading ? t('common.loading') : t('common.loadMore')}
    </button>
  );
}
