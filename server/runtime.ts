import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { ChannelRegistry } from '../channels/channel.js';
import { EmailAdapter } from '../channels/email/email.adapter.js';
import { createSmtpTransport, type SmtpTransport } from '../channels/email/smtp.js';
import { createApp } from './app.js';
import { startImapPollers } from './email/imap-runner.js';
import { startSmtpReceiver } from './email/smtp-receiver.js';
import { createCounterStore } from './http/rate-limit.js';
import { bootstrap } from './bootstrap.js';
import { attachRealtime } from './realtime/index.js';
import { chatOptionsFrom } from '../channels/webchat/chat.gateway.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { Database } from './db/database.js';
import { createDataSource, engineOf } from './db/data-source.js';
import { seedDemo, DEMO_PASSWORD } from './demo/seed.js';
import type { Logger } from './logger.js';
import { loadKeyring, PiiVault } from './security/pii-vault.js';
import { buildServices, type Services } from './services.js';
import type { Notifier } from './notify/notification.js';
import { EmailNotifier } from './notify/email.notifier.js';
import { SlackNotifier } from './notify/slack/slack.notifier.js';

export interface Runtime {
  services: Services;
  server: Server;
  port: number;
  stop(): Promise<void>;
}

/** Starts everything a server process runs: migrations, bootstrap, HTTP, delivery worker. */
export async function startRuntime(config: Config, log: Logger, opts: { clock?: Clock; print?: (line: string) => void } = {}): Promise<Runtime> {
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const keyring = await loadKeyring(config, log);
  const ds: DataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : config.dataDir });
  const applied = await ds.runMigrations({ transaction: 'each' });
  if (applied.length) log.info('applied migrations', { migrations: applied.map((m) => m.name) });
  const db = new Database(ds, engineOf({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const vault = await PiiVault.open(db, keyring);
  const outbound = smtpOutbound(config);
  const services = buildServices({
    db, vault, channels: configuredChannels(vault, outbound), notifiers: configuredNotifiers(config, outbound), publicUrl: config.publicUrl, clock: opts.clock ?? systemClock, log,
    tokenTtlMinutes: config.tokenTtlMinutes, deliveryPollMs: config.deliveryPollMs, maskNames: config.maskNames, dataDir: config.dataDir, fileStore: config.fileStore, surveys: config.surveys,
    suggestionDigest: config.suggestionDigest,
  });
  await bootstrap(services, { adminEmail: config.adminEmail, adminPassword: config.adminPassword, print }, log);
  if (config.demo && (await seedDemo(services, log))) {
    print(`  Demo data loaded. Demo agents (password "${DEMO_PASSWORD}"): wang.fang@demo.memberdesk (supervisor), li.na@demo.memberdesk, tom.chen@demo.memberdesk\n`);
  }
  // WeChat personal-account bot (WECHATY_PUPPET): started after listen, in the background (login waits for a QR scan); stopped in stop().
  const wechatBot = config.wechatyPuppet
    ? new (await import('../channels/wechat/bot/wechat-bot.js')).WechatBot({ puppet: config.wechatyPuppet, token: config.wechatyPuppetServiceToken, name: config.wechatyName, groupIds: config.wechatyGroupIds })
    : null;
  const counters = createCounterStore(config.redisUrl, log);
  const app = createApp(services, { wechatBot, wechatApiUrl: config.wechatApiUrl,
    corsOrigins: config.corsOrigins, publicRatePerMinute: config.publicRatePerMinute, counters,
    slack: config.slack ? { token: config.slack.token, signingSecret: config.slack.signingSecret, apiUrl: config.slack.apiUrl ?? undefined } : undefined,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const srv = app.listen(config.port, config.host, () => resolve(srv));
    srv.once('error', reject);
  });
  const realtime = await attachRealtime(server, services, { log, redisUrl: config.redisUrl, counters, chat: chatOptionsFrom(config) });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.delivery.start();
  services.notifications.start();
  // Also fires, at once, whatever fell due while no server was running.
  services.slaScheduler.start();
  services.surveyWorker.start();
  services.suggestionDigest.start();
  services.followUpWorker.start();
  const retention = startRetention(services, config.retentionMonths, log);
  const imap = startImapPollers(services, log, { intervalMs: config.imapPollMs });
  // Inbound SMTP (MEMBERDESK_SMTP_LISTEN); off unless configured.
  const smtp = config.smtpListen ? await startSmtpReceiver(services, log, config.smtpListen) : null;
  void wechatBot?.start(services);
  log.info('listening', { port, engine: db.engine, url: `http://127.0.0.1:${port}/` });
  return {
    services, server, port,
    async stop() {
      // Closes the HTTP server too, after telling every socket goodbye.
      await realtime.close();
      if (retention) clearInterval(retention);
      await imap.stop();
      await wechatBot?.stop();
      await smtp?.stop();
      await services.delivery.stop();
      await services.slaScheduler.stop();
      await services.surveyWorker.stop();
      await services.suggestionDigest.stop();
      await services.followUpWorker.stop();
      await services.notifications.stop();
      outbound?.transport.close();
      await counters.close();
      await ds.destroy();
    },
  };
}

/** Retention sweep: every six hours, members idle for `months` are erased (idempotent, so every process may run it). */
function startRetention(services: Services, months: number, log: Logger): NodeJS.Timeout | null {
  if (months <= 0) return null;
  const sweep = () => services.privacy.eraseInactive(months)
    .then((n) => { if (n) log.info('retention erased inactive members', { count: n, months }); })
    .catch((err) => log.error('retention sweep failed', { error: String(err) }));
  const first = setTimeout(sweep, 60_000);
  first.unref();
  const timer = setInterval(sweep, 6 * 3_600_000);
  timer.unref();
  return timer;
}

/** Staff notification senders the configuration enables: Slack (bot token + signing secret) and email (SMTP). */
function configuredNotifiers(config: Config, smtp: SmtpOutbound | null): Notifier[] {
  const notifiers: Notifier[] = [];
  if (config.slack) notifiers.push(new SlackNotifier({ token: config.slack.token, apiUrl: config.slack.apiUrl ?? undefined }));
  if (smtp) notifiers.push(new EmailNotifier({ transport: smtp.transport, from: { address: smtp.from, name: 'MemberDesk SLA' } }));
  return notifiers;
}

interface SmtpOutbound { from: string; transport: SmtpTransport }

/**
 * Outgoing SMTP from MEMBERDESK_SMTP_URL (loadConfig checked it parses): one transport, shared by
 * member mail and staff alerts. Closed by stop(), after both workers stopped.
 */
function smtpOutbound(config: Config): SmtpOutbound | null {
  if (!config.smtpUrl) return null;
  const url = new URL(config.smtpUrl);
  return {
    from: config.emailFrom ?? `support@${url.hostname}`,
    transport: createSmtpTransport({
      host: url.hostname, port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)), secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    }),
  };
}

/** Channel adapters the configuration enables (the phone channel is always there). */
function configuredChannels(vault: PiiVault, smtp: SmtpOutbound | null): ChannelRegistry {
  const channels = new ChannelRegistry();
  if (smtp) {
    const from = smtp.from;
    channels.register(new EmailAdapter({
      transport: smtp.transport,
      from: { address: from, name: 'MemberDesk' },
      secret: vault.subKey('email-threading'),
      domain: from.split('@')[1]!,
    }));
  }
  return channels;
}
