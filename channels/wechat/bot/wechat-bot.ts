import { WechatyBuilder, types, type Contact, type Message, type Wechaty } from 'wechaty';
import type { WechatyOptions } from 'wechaty';
import { WECHATY_PREFIX, WechatAdapter } from '../wechat.adapter.js';
import type { InboundMessage } from '../../channel.js';
import { skipReason, toInbound, type MediaStore } from './bot-messages.js';
import { DEFAULT_RATE_LIMITS, SendRateLimiter, WechatyTransport, type RateLimits } from './bot-transport.js';
import type { ChannelRegistry } from '../../channel.js';
import { WechatBindingFlow, type BindingDeps } from './bot-binding.js';

/** What the bot needs of the server (Services satisfies it). */
export interface BotServices extends BindingDeps {
  channels: ChannelRegistry;
  files: MediaStore;
  tickets: { ingest(msg: InboundMessage): Promise<unknown> };
  log: { debug(m: string, f?: Record<string, unknown>): void; info(m: string, f?: Record<string, unknown>): void; warn(m: string, f?: Record<string, unknown>): void; error(m: string, f?: Record<string, unknown>): void };
}

/**
 * A message the bot answers itself instead of ingesting (the member binding dialogue): return the
 * reply text when handled, null to let the message become a ticket message.
 */
export type BotInterceptor = (contactIdentity: string, text: string) => Promise<string | null>;

export type BotStatus = 'stopped' | 'starting' | 'scan' | 'logged_in' | 'error';

export interface BotState {
  status: BotStatus;
  /** The login QR code's content (a URL to render as a QR code) while `scan`. */
  qrcode?: string;
  /** The scan's progress: Waiting, Scanned, Confirmed, Timeout… */
  scanStatus?: string;
  /** The logged-in account. */
  user?: { id: string; name: string };
  since: string;
  lastError?: string;
  puppet: string;
}

export interface WechatBotOptions {
  /** A puppet package name (wechaty-puppet-service, wechaty-puppet-wechat4u…) or an instance (tests: PuppetMock). */
  puppet: string | NonNullable<WechatyOptions['puppet']>;
  /** Token of a puppet service (WECHATY_PUPPET_SERVICE_TOKEN). */
  token?: string | null;
  /** Session name: wechaty keeps the login in `<name>.memory-card.json` in the working directory. */
  name?: string | null;
  /** Rooms whose messages become tickets; every other group chat is ignored. */
  groupIds?: string[];
  rateLimits?: Partial<RateLimits>;
  interceptor?: BotInterceptor;
  /** Members link their WeChat by `绑定 <会员号>` + emailed code (bot-binding.ts); on unless false. */
  binding?: boolean;
}

/**
 * The personal-account door of the WeChat channel: a wechaty bot whose inbound one-to-one messages
 * become InboundMessages and which delivers `wx:` replies. It never throws out of an event handler: a
 * puppet error, a logout or a failed ingest is logged and shown in `state()`, the server keeps running.
 */
export class WechatBot {
  private wechaty: Wechaty | null = null;
  private current: BotState;
  private services: BotServices | null = null;
  private starting: Promise<void> | null = null;
  private readonly groupIds: ReadonlySet<string>;
  private readonly transport: WechatyTransport;
  /** Messages being ingested, so stop() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: WechatBotOptions) {
    this.groupIds = new Set(o.groupIds ?? []);
    this.current = { status: 'stopped', since: new Date().toISOString(), puppet: puppetName(o.puppet) };
    this.transport = new WechatyTransport(() => this.wechaty, new SendRateLimiter({ ...DEFAULT_RATE_LIMITS, ...o.rateLimits }));
  }

  state(): BotState {
    return { ...this.current };
  }

  /**
   * Registers the `wx:` door on the WeChat adapter and starts the puppet. Resolves when the puppet
   * started (not when someone scanned); never rejects: a failure leaves status `error`.
   */
  start(services: BotServices): Promise<void> {
    if (this.starting) return this.starting;
    this.services = services;
    if (!this.o.interceptor && this.o.binding !== false) this.o.interceptor = new WechatBindingFlow(services).handle;
    const adapter = services.channels.get('wechat');
    if (adapter instanceof WechatAdapter) adapter.register(this.transport);
    else services.log.warn('wechat bot: no WeChat adapter to register the wx: door on; replies cannot be sent');
    this.starting = this.run(services);
    return this.starting;
  }

  private async run(s: BotServices): Promise<void> {
    this.set({ status: 'starting' });
    try {
      // A package name is resolved by wechaty (dynamic import); its options carry the service token.
      const options = {
        puppet: this.o.puppet,
        ...(this.o.name ? { name: this.o.name } : {}),
        ...(this.o.token && typeof this.o.puppet === 'string' ? { puppetOptions: { token: this.o.token } } : {}),
      } as WechatyOptions;
      const bot = WechatyBuilder.build(options);
      this.wechaty = bot;
      bot.on('scan', (qrcode, status) => this.safely('scan', () => {
        this.set({ status: 'scan', qrcode, scanStatus: types.ScanStatus[status] ?? String(status) });
        s.log.info('wechat bot: scan the login QR code', { status: types.ScanStatus[status], qrcode });
      }));
      bot.on('login', (user: Contact) => this.safely('login', () => {
        this.set({ status: 'logged_in', user: { id: user.id, name: user.name() }, qrcode: undefined, scanStatus: undefined, lastError: undefined });
        s.log.info('wechat bot: logged in', { user: user.name() });
      }));
      bot.on('logout', (user: Contact, reason?: string) => this.safely('logout', () => {
        // The puppet usually emits a new scan (re-login) by itself; until then, sending waits.
        this.set({ status: this.current.status === 'stopped' ? 'stopped' : 'starting', user: undefined, lastError: reason ? `logged out: ${reason}` : this.current.lastError });
        s.log.warn('wechat bot: logged out', { user: user.name(), reason });
      }));
      bot.on('error', (err: Error) => this.safely('error', () => {
        this.set({ status: bot.isLoggedIn ? 'logged_in' : 'error', lastError: String(err?.message ?? err).slice(0, 500) });
        s.log.error('wechat bot: puppet error', { error: String(err?.message ?? err) });
      }));
      bot.on('message', (message: Message) => this.track(this.onMessage(s, message)));
      await bot.start();
      if (this.current.status === 'starting' && !bot.isLoggedIn) s.log.info('wechat bot: started, waiting for login', { puppet: this.current.puppet });
    } catch (err) {
      this.set({ status: 'error', lastError: String((err as Error)?.message ?? err).slice(0, 500) });
      s.log.error('wechat bot: start failed', { error: String((err as Error)?.message ?? err), puppet: this.current.puppet });
    }
  }

  private async onMessage(s: BotServices, message: Message): Promise<void> {
    try {
      const skip = skipReason(message, this.groupIds);
      if (skip) {
        s.log.debug('wechat bot: message ignored', { reason: skip, message: message.id });
        return;
      }
      const contactIdentity = `${WECHATY_PREFIX}${message.talker().id}`;
      if (this.o.interceptor && message.type() === types.Message.Text && !message.room()) {
        const reply = await this.o.interceptor(contactIdentity, message.text());
        if (reply !== null) {
          await message.talker().say(reply);
          return;
        }
      }
      const inbound = await toInbound(message, s.files);
      await s.tickets.ingest(inbound);
    } catch (err) {
      // Not acknowledged anywhere: wechaty does not redeliver, so the failure is logged for an admin.
      s.log.error('wechat bot: message not stored', { message: message.id, error: String((err as Error)?.message ?? err) });
    }
  }

  /** Logs the account out (an admin's action); the puppet then usually shows a new QR code. */
  async logout(): Promise<void> {
    if (!this.wechaty?.isLoggedIn) return;
    await this.wechaty.logout();
  }

  async stop(): Promise<void> {
    const bot = this.wechaty;
    // A start that hangs (a puppet service that never answers) must not hold up shutdown.
    if (this.starting) await Promise.race([this.starting, new Promise((r) => setTimeout(r, 5_000).unref())]);
    this.set({ status: 'stopped', qrcode: undefined, scanStatus: undefined });
    if (bot) {
      try {
        await bot.stop();
      } catch (err) {
        this.services?.log.warn('wechat bot: stop failed', { error: String((err as Error)?.message ?? err) });
      }
    }
    await Promise.allSettled([...this.inFlight]);
    this.set({ status: 'stopped', user: undefined });
    this.wechaty = null;
    this.starting = null;
  }

  private set(patch: Partial<BotState>): void {
    const next = { ...this.current, ...patch };
    if (patch.status && patch.status !== this.current.status) next.since = new Date().toISOString();
    for (const k of Object.keys(next) as Array<keyof BotState>) if (next[k] === undefined) delete next[k];
    this.current = next;
  }

  private safely(event: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.services?.log.error('wechat bot: event handler failed', { event, error: String((err as Error)?.message ?? err) });
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}

function puppetName(p: WechatBotOptions['puppet']): string {
  return typeof p === 'string' ? p : (p as { constructor?: { name?: string } }).constructor?.name ?? 'custom';
}
