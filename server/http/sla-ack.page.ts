import express, { type Router } from 'express';
import type { Services } from '../services.js';
import { escapeHtml } from '../notify/alert-text.js';

/**
 * The acknowledge link of an alert email. Opening it only shows a button: mail scanners and link
 * previews fetch links, and must not acknowledge on a head's behalf. The click POSTs.
 */
export function slaAckPage(s: Services): Router {
  const r = express.Router();
  r.get('/sla/ack/:token', (req, res) => {
    const found = s.ackLinks.verify(String(req.params.token));
    if (!found) return void page(res, 400, 'Link invalid or expired / 链接无效或已过期', 'Open the ticket in MemberDesk to acknowledge. / 请在 MemberDesk 中打开工单确认。');
    page(res, 200, 'Acknowledge SLA alert / 确认 SLA 提醒',
      `<form method="post"><button type="submit">Acknowledge / 确认</button></form><p>Alert #${found.alertId}: this stops further escalation and is recorded on the ticket. / 确认后将停止继续升级，并记录在工单历史中。</p>`, true);
  });
  r.post('/sla/ack/:token', async (req, res, next) => {
    try {
      const found = s.ackLinks.verify(String(req.params.token));
      if (!found) return void page(res, 400, 'Link invalid or expired / 链接无效或已过期', '');
      const result = await s.escalations.acknowledgeAlert(found.agentId, found.alertId, 'email');
      if (!result.ok) return void page(res, 409, 'Not acknowledged / 未能确认', escapeHtml(result.message));
      page(res, 200, `Acknowledged ${escapeHtml(result.ticketNumber)} / 已确认`, `Thank you, ${escapeHtml(result.agentName)}. / 谢谢。`);
    } catch (err) {
      next(err);
    }
  });
  return r;
}

function page(res: express.Response, status: number, title: string, body: string, raw = false): void {
  res.status(status).type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`
    + `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1.1rem;padding:.6rem 1.4rem}</style>`
    + `</head><body><h1>${escapeHtml(title)}</h1>${raw ? body : `<p>${body}</p>`}</body></html>`);
}
