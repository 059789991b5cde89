import type { Router } from 'express';
import type { WechatBot } from '../../../channels/wechat/bot/wechat-bot.js';
import { ConflictError } from '../../errors.js';
import type { Services } from '../../services.js';
import { defineRoute, type ApiServices } from '../api.js';

/**
 * The personal-account WeChat bot (docs/wechat.md): its login state and QR code for admins, and a
 * logout. `bot` is null when WECHATY_PUPPET is not configured.
 */
export function wechatBotRoutes(r: Router, auth: ApiServices, _s: Services, bot: WechatBot | null): void {
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels/wechat/bot', tag: 'wechat', roles: ['admin'],
    summary: 'State of the WeChat personal-account bot: status (stopped, starting, scan, logged_in, error), the login QR code content while scanning (render it as a QR code), the logged-in account, the last error.',
  }, () => (bot ? { configured: true, ...bot.state() } : { configured: false, status: 'stopped' }));

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'post', path: '/channels/wechat/bot/logout', tag: 'wechat', roles: ['admin'], status: 204,
    summary: 'Log the bot\'s WeChat account out; the puppet then shows a new QR code to scan.',
  }, async () => {
    if (!bot) throw new ConflictError('WECHAT_BOT_NOT_CONFIGURED', 'no WeChat bot is configured (WECHATY_PUPPET)');
    await bot.logout();
  });
}
