import type { Router } from 'express';
import QRCode from 'qrcode';
import type { WechatBot } from '../../../channels/wechat/bot/wechat-bot.js';
import { ConflictError } from '../../errors.js';
import type { Services } from '../../services.js';
import { defineRoute, type ApiServices } from '../api.js';

/**
 * The login QR code's content drawn as an SVG document for the console (which shows it as an image, never as
 * markup). A content the encoder refuses (too long) leaves the field out: the raw `qrcode` is still there.
 */
async function qrSvg(content: string | undefined): Promise<string | undefined> {
  if (!content) return undefined;
  try {
    return await QRCode.toString(content, { type: 'svg', margin: 1 });
  } catch {
    return undefined;
  }
}

/**
 * The personal-account WeChat bot (docs/wechat.md): its login state and QR code for admins, and a
 * logout. `bot` is null when WECHATY_PUPPET is not configured.
 */
export function wechatBotRoutes(r: Router, auth: ApiServices, _s: Services, bot: WechatBot | null): void {
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels/wechat/bot', tag: 'wechat', roles: ['admin'],
    summary: 'State of the WeChat personal-account bot: status (stopped, starting, scan, logged_in, error), the login QR code content while scanning (`qrcode`, and `qrSvg`: the same drawn as an SVG document), the logged-in account, the last error.',
  }, async () => {
    if (!bot) return { configured: false, status: 'stopped' };
    const state = bot.state();
    const svg = await qrSvg(state.qrcode);
    return { configured: true, ...state, ...(svg ? { qrSvg: svg } : {}) };
  });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'post', path: '/channels/wechat/bot/logout', tag: 'wechat', roles: ['admin'], status: 204,
    summary: 'Log the bot\'s WeChat account out; the puppet then shows a new QR code to scan.',
  }, async () => {
    if (!bot) throw new ConflictError('WECHAT_BOT_NOT_CONFIGURED', 'no WeChat bot is configured (WECHATY_PUPPET)');
    await bot.logout();
  });
}
