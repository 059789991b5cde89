import { useState } from 'react';
import type { Query } from '../../api';
import { asApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { reportsApi, type CsvFile, type ReportKind } from '../../reports-api';
import { useNotices } from '../../state/notices-context';

/** Hand a fetched file to the browser as a download. */
export function saveFile({ blob, fileName }: CsvFile): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy by the time this runs.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

interface Props {
  kind?: ReportKind;
  /** A report outside the dashboard's three (suggestions, follow-ups): how to fetch its CSV. */
  download?: (query: Query) => Promise<CsvFile>;
  /** The very query the table on screen shows; the server answers it as CSV. */
  query: Query | null;
  /** What is exported, for screen readers ("Export CSV: breakdown by agent"). */
  what: string;
  testId: string;
}

/** "Export CSV": the API needs the bearer header, so the file is fetched and saved from a blob. */
export function CsvButton({ kind = 'summary', download, query, what, testId }: Props) {
  const { t } = useI18n();
  const { reportError } = useNotices();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!query) return;
    setBusy(true);
    try {
      saveFile(await (download ? download(query) : reportsApi.csv(kind, query)));
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const label = t('reports.csv.label', { what });
  return (
    <button type="button" className="btn btn--small report-csv" onClick={() => void run()} disabled={busy || !query}
      aria-label={label} title={label} data-testid={testId}>
      <span aria-hidden="true">⤓</span> {busy ? t('reports.csv.busy') : t('reports.csv')}
    </button>
  );
}
