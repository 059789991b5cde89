import { ImapPoller } from '../../channels/email/imap.poller.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';

/**
 * One IMAP poller per active mailbox with IMAP settings. A message is acknowledged (\Seen or moved)
 * only after `receive` resolved, i.e. after its ticket change committed; a crash in between means it
 * is fetched again and dedupe on (mailbox, Message-ID) stores it once. Mailbox changes are picked up
 * by a reconcile every `reloadMs`.
 */
export function startImapPollers(s: Pick<Services, 'mailboxes' | 'emailInbound'>, log: Logger, o: { intervalMs?: number; reloadMs?: number } = {}): { stop(): Promise<void> } {
  const running = new Map<number, { poller: ImapPoller; version: string }>();
  let stopped = false;

  const reconcile = async () => {
    const wanted = await s.mailboxes.imapMailboxes((mailboxId, error) => log.warn('imap settings cannot be unsealed; mailbox not polled', { mailboxId, error }));
    for (const [id, entry] of running) {
      const now = wanted.find((w) => w.mailbox.id === id);
      if (!now || version(now.mailbox) !== entry.version) {
        running.delete(id);
        await entry.poller.stop();
      }
    }
    for (const { mailbox, settings } of wanted) {
      if (stopped || running.has(mailbox.id)) continue;
      const poller = new ImapPoller({
        settings, log, intervalMs: o.intervalMs ?? 30_000,
        store: async (raw) => ((await s.emailInbound.receive(mailbox, raw)).stored ? 'stored' : 'ignored'),
      });
      running.set(mailbox.id, { poller, version: version(mailbox) });
      poller.start();
      log.info('polling mailbox', { mailbox: mailbox.id });
    }
  };
  const tick = () => reconcile().catch((err) => log.error('mailbox reconcile failed', { error: String(err) }));
  void tick();
  const timer = setInterval(tick, o.reloadMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...running.values()].map((e) => e.poller.stop()));
      running.clear();
    },
  };
}

/**
 * Everything a running poller was started with (settings, and the row its `store` hands to ingest):
 * any change restarts it. Compared by value — timestamps have one-second precision, and two edits in
 * the same second must not leave mail going to the old department.
 */
function version(m: { imapSealed: string | null; address: string; departmentId: number; acknowledge: boolean }): string {
  return JSON.stringify([m.imapSealed, m.address, m.departmentId, m.acknowledge]);
}
