/**
 * The MemberDesk chat widget (docs/webchat.md): one <script src=".../widget.js" data-…> on any page.
 * A launcher button and a panel in a shadow root, talking to the server's /chat socket.io namespace.
 * Plain DOM, no framework; every text is set with textContent (nothing a member or agent typed is
 * ever parsed as HTML).
 */
import { io, type Socket } from 'socket.io-client';
import { WIDGET_CSS } from './styles.js';
import { TEXTS, widgetLocale, type WidgetTexts } from './texts.js';
import { SURVEY_LINK_MARKER } from '../../server/surveys/survey-texts.js';

interface ChatLine {
  id: number; author: 'member' | 'agent' | 'system'; agentName?: string; text: string; createdAt: string; attachments?: string[];
  /** A satisfaction survey prompt: stars until answered (docs/surveys.md). */
  survey?: { id: number; status: string; rating: number | null };
}
interface Hello { visitorToken: string; identified: boolean; history: ChatLine[]; ticketNumber?: string; agentsOnline: boolean }
interface Notice { kind: string; expectedBy?: string }
interface Ack { ok: boolean; error?: { code: string; message: string }; messageId?: number; ticketNumber?: string; notice?: Notice }
/** A line the visitor wrote that the server has not confirmed yet (resent with the same clientId: never doubled). */
interface Pending { clientId: string; text: string; failed: boolean }

interface Stored { visitorToken?: string; prechatDone?: boolean; active?: boolean; email?: boolean }

const MAX_TEXT = 4000;
const ACK_TIMEOUT_MS = 15_000;

const script = document.currentScript as HTMLScriptElement | null;

function boot(): void {
  if (!script || (window as unknown as Record<string, unknown>).__memberdeskChat) return;
  (window as unknown as Record<string, unknown>).__memberdeskChat = true;
  const data = script.dataset;
  const server = (data.server || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const locale = widgetLocale(data.locale || navigator.language);
  const t = TEXTS[locale];
  const member = data.memberId && data.memberTs && data.memberSig ? { id: data.memberId, ts: data.memberTs, sig: data.memberSig } : undefined;
  const widget = new ChatWidget({
    server, locale, t, member, title: data.title || t.title,
    accent: /^#[0-9a-fA-F]{3,8}$/.test(data.color ?? '') ? data.color! : '#1f6feb',
  });
  widget.mount();
}

class ChatWidget {
  private socket: Socket | null = null;
  private readonly storeKey: string;
  private stored: Stored;
  private lines: ChatLine[] = [];
  private pending: Pending[] = [];
  private hello: Hello | null = null;
  private unread = 0;
  private typingSent = 0;
  private typingTimer: number | undefined;
  private agentTypingTimer: number | undefined;
  private el!: {
    launcher: HTMLButtonElement; badge: HTMLElement; panel: HTMLElement; status: HTMLElement; notice: HTMLElement; log: HTMLElement;
    typing: HTMLElement; prechat: HTMLFormElement; name: HTMLInputElement; email: HTMLInputElement; input: HTMLTextAreaElement;
    send: HTMLButtonElement; transcript: HTMLButtonElement; transcriptForm: HTMLFormElement; transcriptEmail: HTMLInputElement; error: HTMLElement;
  };

  constructor(private readonly o: { server: string; locale: 'zh-CN' | 'en'; t: WidgetTexts; member?: { id: string; ts: string; sig: string }; title: string; accent: string }) {
    this.storeKey = `memberdesk-chat:${o.server}`;
    this.stored = this.load();
  }

  mount(): void {
    const host = document.createElement('div');
    host.setAttribute('data-memberdesk-chat', '');
    const shadow = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      // A constructed sheet: not an inline <style>, so pages with a strict style-src CSP still style the widget.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.append(h('style', {}, WIDGET_CSS));
    }
    const t = this.o.t;
    const root = h('div', { class: 'root', style: `--md-accent:${this.o.accent}` });
    const launcher = h('button', { class: 'launcher', type: 'button', 'data-testid': 'chat-launcher', 'aria-label': t.open, 'aria-expanded': 'false' }) as HTMLButtonElement;
    launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    const badge = h('span', { class: 'badge', hidden: '' });
    launcher.append(badge);

    const status = h('div', { class: 'status' }, t.connecting);
    const closeBtn = h('button', { type: 'button', 'aria-label': t.close }, '×');
    const head = h('div', { class: 'head' }, h('div', { class: 'titles' }, h('div', { class: 'title' }, this.o.title), status), closeBtn);
    const notice = h('div', { class: 'notice', 'data-testid': 'chat-notice', role: 'status', hidden: '' });

    const name = h('input', { type: 'text', maxlength: '120', autocomplete: 'name', 'data-testid': 'chat-prechat-name' }) as HTMLInputElement;
    const email = h('input', { type: 'email', maxlength: '254', autocomplete: 'email', 'data-testid': 'chat-prechat-email' }) as HTMLInputElement;
    const skip = h('button', { type: 'button', class: 'secondary', 'data-testid': 'chat-prechat-skip' }, t.skip);
    const prechat = h('form', { class: 'prechat', hidden: '', 'data-testid': 'chat-prechat' },
      h('p', {}, t.prechatIntro), h('label', {}, t.name, name), h('label', {}, t.email, email),
      h('div', { class: 'row' }, skip, h('button', { type: 'submit', class: 'primary', 'data-testid': 'chat-prechat-start' }, t.start))) as HTMLFormElement;

    const transcriptEmail = h('input', { type: 'email', maxlength: '254', autocomplete: 'email', 'data-testid': 'chat-transcript-email' }) as HTMLInputElement;
    const transcriptForm = h('form', { class: 'transcript-form', hidden: '' },
      h('label', {}, t.transcriptEmail, transcriptEmail),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'chat-transcript-send' }, t.transcriptSend))) as HTMLFormElement;

    const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite' });
    const typing = h('div', { class: 'typing', 'data-testid': 'chat-typing', hidden: '' });
    const input = h('textarea', { rows: '1', maxlength: String(MAX_TEXT), placeholder: t.placeholder, 'aria-label': t.placeholder, 'data-testid': 'chat-input' }) as HTMLTextAreaElement;
    const send = h('button', { type: 'button', class: 'primary', 'data-testid': 'chat-send' }, t.send) as HTMLButtonElement;
    const error = h('div', { class: 'error', role: 'alert', hidden: '' });
    const transcript = h('button', { type: 'button', class: 'link', 'data-testid': 'chat-transcript' }, t.transcript) as HTMLButtonElement;
    const panel = h('div', { class: 'panel', role: 'dialog', 'aria-label': this.o.title, 'data-testid': 'chat-panel', hidden: '' },
      head, notice, prechat, transcriptForm, log, typing, h('div', { class: 'compose' }, input, send), h('div', { class: 'foot' }, error, transcript));
    root.append(panel, launcher);
    shadow.append(root);
    document.body.append(host);
    this.el = { launcher, badge, panel, status, notice, log, typing, prechat, name, email, input, send, transcript, transcriptForm, transcriptEmail, error };

    launcher.addEventListener('click', () => this.toggle());
    closeBtn.addEventListener('click', () => this.toggle(false));
    send.addEventListener('click', () => this.submit());
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.submit(); }
    });
    input.addEventListener('input', () => this.typed());
    prechat.addEventListener('submit', (e) => { e.preventDefault(); void this.sendPrechat(); });
    skip.addEventListener('click', () => { this.save({ prechatDone: true }); this.render(); input.focus(); });
    transcript.addEventListener('click', () => { void this.requestTranscript(); });
    transcriptForm.addEventListener('submit', (e) => { e.preventDefault(); void this.requestTranscript(transcriptEmail.value.trim()); });
    log.addEventListener('click', (e) => {
      const target = (e.target as HTMLElement).closest('[data-client-id]');
      const p = this.pending.find((x) => x.clientId === target?.getAttribute('data-client-id'));
      if (p?.failed) { p.failed = false; this.render(); this.deliver(p); }
    });
    // Someone who chatted before gets agent replies while the panel is closed (an unread badge).
    if (this.stored.active) this.connect();
  }

  private toggle(open = this.el.panel.hidden): void {
    this.el.panel.hidden = !open;
    this.el.launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      this.unread = 0;
      this.connect();
      this.render();
      (this.showPrechat() ? this.el.name : this.el.input).focus();
    }
  }

  private connect(): void {
    if (this.socket) return;
    const socket = io(`${this.o.server}/chat`, {
      auth: (cb) => cb({
        ...(this.stored.visitorToken ? { visitorToken: this.stored.visitorToken } : {}),
        ...(this.o.member ? { member: this.o.member } : {}),
        locale: this.o.locale,
        ...(timeZone() ? { timeZone: timeZone() } : {}),
      }),
      withCredentials: false,
    });
    this.socket = socket;
    socket.on('chat:hello', (hello: Hello) => {
      this.hello = hello;
      this.save({ visitorToken: hello.visitorToken });
      this.lines = hello.history;
      this.el.status.textContent = hello.agentsOnline ? this.o.t.online : this.o.t.away;
      // Whatever was not confirmed before the connection dropped goes again, under the same clientId.
      for (const p of this.pending) if (!p.failed) this.deliver(p);
      this.render();
    });
    socket.on('chat:message', (line: ChatLine) => {
      if (this.lines.some((l) => l.id === line.id)) return;
      this.lines.push(line);
      if (this.el.panel.hidden && line.author !== 'member') this.unread++;
      if (line.author === 'agent') this.showAgentTyping(false);
      this.render();
    });
    // Answered in another tab (or on the email link): every tab shows the rating instead of the stars.
    socket.on('chat:survey', (p: { surveyId: number; status: string; rating: number }) => this.surveyState(p.surveyId, p.status, p.rating));
    socket.on('chat:typing', (p: { typing: boolean; agentName?: string }) => this.showAgentTyping(p.typing, p.agentName ?? null));
    socket.on('chat:notice', (n: Notice) => this.showNotice(n));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      this.el.status.textContent = this.o.t.errors[err.data?.code ?? ''] ?? this.o.t.connecting;
      // Refused by the server (not a network failure): socket.io does not retry those by itself.
      if (!socket.active) window.setTimeout(() => socket.connect(), err.data?.code === 'RATE_LIMITED' ? 60_000 : 15_000);
    });
    socket.on('disconnect', () => { this.el.status.textContent = this.o.t.connecting; });
  }

  private submit(): void {
    const text = this.el.input.value.replace(/\s+$/, '');
    if (!text.trim()) return;
    if ([...text].length > MAX_TEXT) return this.showError('VALIDATION_FAILED');
    this.el.input.value = '';
    this.sendTyping(false);
    this.save({ active: true, prechatDone: true });
    const p: Pending = { clientId: newClientId(), text, failed: false };
    this.pending.push(p);
    this.connect();
    this.render();
    this.deliver(p);
  }

  private deliver(p: Pending): void {
    const socket = this.socket;
    if (!socket?.connected) return; // sent again on the next hello
    socket.timeout(ACK_TIMEOUT_MS).emit('chat:message', { text: p.text, clientId: p.clientId }, (err: Error | null, ack?: Ack) => {
      if (err || !ack) { p.failed = true; this.render(); return; }
      if (!ack.ok) {
        p.failed = true;
        this.showError(ack.error?.code);
        this.render();
        return;
      }
      this.pending = this.pending.filter((x) => x !== p);
      if (ack.messageId !== undefined && !this.lines.some((l) => l.id === ack.messageId)) {
        this.lines.push({ id: ack.messageId, author: 'member', text: p.text, createdAt: new Date().toISOString() });
      }
      if (ack.notice) this.showNotice(ack.notice);
      this.render();
    });
  }

  private typed(): void {
    const now = Date.now();
    if (now - this.typingSent > 3_000) this.sendTyping(true);
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.sendTyping(false), 4_000);
  }

  private sendTyping(typing: boolean): void {
    if (!this.socket?.connected) return;
    if (!typing) window.clearTimeout(this.typingTimer);
    if (!typing && this.typingSent === 0) return;
    this.typingSent = typing ? Date.now() : 0;
    this.socket.emit('chat:typing', { typing });
  }

  private async sendPrechat(): Promise<void> {
    const name = this.el.name.value.trim();
    const email = this.el.email.value.trim();
    if (name || email) {
      this.connect();
      const ack = await this.ask('chat:prechat', { ...(name ? { name } : {}), ...(email ? { email } : {}) });
      if (!ack.ok) return this.showError(ack.error?.code);
    }
    this.save({ prechatDone: true, active: true, ...(email ? { email: true } : {}) });
    this.render();
    this.el.input.focus();
  }

  private async requestTranscript(email?: string): Promise<void> {
    if (email === undefined && !this.stored.email && !this.hello?.identified) {
      this.el.transcriptForm.hidden = false;
      this.el.transcriptEmail.focus();
      return;
    }
    const ack = await this.ask('chat:transcript', email ? { email } : {});
    if (!ack.ok) {
      if (ack.error?.code === 'EMAIL_REQUIRED') { this.el.transcriptForm.hidden = false; this.el.transcriptEmail.focus(); }
      return this.showError(ack.error?.code);
    }
    if (email) this.save({ email: true });
    this.el.transcriptForm.hidden = true;
    this.showNotice({ kind: 'transcript' });
  }

  private async ask(event: string, payload: unknown): Promise<Ack> {
    const socket = this.socket;
    if (!socket) return { ok: false, error: { code: 'INTERNAL', message: 'not connected' } };
    try {
      return (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: 'no answer' } };
    }
  }

  private showNotice(n: Notice): void {
    const t = this.o.t;
    this.el.notice.textContent = n.kind === 'offline'
      ? (n.expectedBy ? t.offlineBy(formatWhen(n.expectedBy, this.o.locale)) : t.offline)
      : n.kind === 'transcript' ? t.transcriptSent : '';
    this.el.notice.hidden = !this.el.notice.textContent;
  }

  private showError(code: string | undefined): void {
    const t = this.o.t;
    this.el.error.textContent = t.errors[code ?? 'INTERNAL'] ?? t.errors.INTERNAL!;
    this.el.error.hidden = false;
    window.setTimeout(() => { this.el.error.hidden = true; }, 6_000);
  }

  private showAgentTyping(typing: boolean, name: string | null = null): void {
    window.clearTimeout(this.agentTypingTimer);
    this.el.typing.textContent = typing ? this.o.t.typing(name) : '';
    this.el.typing.hidden = !typing;
    // A lost "stopped typing" must not leave the indicator on for good.
    if (typing) this.agentTypingTimer = window.setTimeout(() => this.showAgentTyping(false), 8_000);
  }

  private showPrechat(): boolean {
    return !this.stored.prechatDone && !this.hello?.identified && this.lines.length === 0 && this.pending.length === 0;
  }

  private render(): void {
    const t = this.o.t;
    this.el.prechat.hidden = !this.showPrechat();
    this.el.badge.hidden = this.unread === 0;
    this.el.badge.textContent = String(this.unread);
    const log = this.el.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.replaceChildren(
      ...this.lines.map((l) => {
        const who = l.author === 'member' ? t.you : l.author === 'agent' ? (l.agentName || t.agent) : '';
        const node = h('div', { class: 'msg', 'data-testid': 'chat-message', 'data-author': l.author, 'data-id': String(l.id) });
        if (who) node.append(h('span', { class: 'who' }, who));
        // A survey prompt's link line is for a visitor who reads it by email: here the stars answer it.
        node.append(document.createTextNode(l.survey ? l.text.split('\n').filter((x) => x.trim() !== SURVEY_LINK_MARKER).join('\n') : l.text));
        for (const a of l.attachments ?? []) node.append(h('span', { class: 'state' }, `${t.attachment}: ${a}`));
        if (l.survey) node.append(this.surveyControl(l.survey));
        return node;
      }),
      ...this.pending.map((p) => h('div', { class: p.failed ? 'msg failed' : 'msg', 'data-testid': 'chat-message', 'data-author': 'member', 'data-client-id': p.clientId },
        h('span', { class: 'who' }, t.you), p.text, h('span', { class: 'state' }, p.failed ? t.failed : t.sending))),
    );
    if (atBottom || this.pending.length) log.scrollTop = log.scrollHeight;
  }

  private surveyControl(s: NonNullable<ChatLine['survey']>): HTMLElement {
    const t = this.o.t;
    if (s.status === 'answered' && s.rating !== null) return h('span', { class: 'state survey-done', 'data-testid': 'survey-done' }, t.surveyAnswered(s.rating));
    if (s.status !== 'sent') return h('span', { class: 'state' }, t.surveyClosed);
    const stars = h('div', { class: 'survey', role: 'group', 'data-testid': 'survey-stars' });
    for (let n = 1; n <= 5; n++) {
      const b = h('button', { type: 'button', class: 'star', 'aria-label': t.surveyStar(n), title: t.surveyStar(n), 'data-rating': String(n) }, '★') as HTMLButtonElement;
      b.addEventListener('click', () => this.rate(s.id, n));
      stars.append(b);
    }
    return stars;
  }

  private rate(surveyId: number, rating: number): void {
    const socket = this.socket;
    if (!socket?.connected) return this.showError('INTERNAL');
    socket.timeout(ACK_TIMEOUT_MS).emit('chat:survey', { surveyId, rating }, (err: Error | null, ack?: Ack) => {
      if (err || !ack) return this.showError('INTERNAL');
      if (ack.ok) return this.surveyState(surveyId, 'answered', rating);
      const code = ack.error?.code ?? 'INTERNAL';
      if (code === 'SURVEY_ANSWERED' || code === 'SURVEY_EXPIRED' || code === 'SURVEY_CANCELLED') return this.surveyState(surveyId, code === 'SURVEY_ANSWERED' ? 'answered' : 'closed', null);
      this.showError(code);
    });
  }

  private surveyState(surveyId: number, status: string, rating: number | null): void {
    for (const l of this.lines) if (l.survey?.id === surveyId) l.survey = { id: surveyId, status, rating: rating ?? l.survey.rating };
    this.render();
  }

  private load(): Stored {
    try {
      return JSON.parse(localStorage.getItem(this.storeKey) ?? '{}') as Stored;
    } catch {
      return {}; // storage blocked (private mode, sandboxed frame): a new visitor each page load
    }
  }

  private save(patch: Stored): void {
    this.stored = { ...this.stored, ...patch };
    try { localStorage.setItem(this.storeKey, JSON.stringify(this.stored)); } catch { /* see load() */ }
  }
}

/** An element with attributes and children (strings become text nodes, never HTML). */
function h(tag: string, attrs: Record<string, string>, ...children: Array<Node | string>): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function newClientId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID().replace(/-/g, '');
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function timeZone(): string | undefined {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch { return undefined; }
}

function formatWhen(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
  } catch {
    return d.toLocaleString();
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
