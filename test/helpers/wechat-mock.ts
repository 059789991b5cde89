import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { WechatBot } from '../../channels/wechat/bot/wechat-bot.js';
import type { Services } from '../../server/services.js';
import { expectEventually } from './expect-eventually.js';

export type MockContact = ReturnType<mock.Mocker['createContact']>;

/** What the bot said to a mock contact (the mock emits the bot's say() as a message from the bot). */
export function inbox(contact: MockContact, bot: MockContact): string[] {
  const got: string[] = [];
  (contact as unknown as NodeJS.EventEmitter).on('message', (m: { payload: { talkerId: string; text?: string } }) => {
    if (m.payload.talkerId === bot.id) got.push(m.payload.text ?? '');
  });
  return got;
}

/** A wechaty bot on the mock puppet, started against the services and logged in, with one member contact and what the bot said to them. */
export async function startMockBot(services: Services): Promise<{ bot: WechatBot; mocker: mock.Mocker; me: MockContact; member: MockContact; said: string[]; stop(): Promise<void> }> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const [me, member] = mocker.createContacts(2) as [MockContact, MockContact];
  const bot = new WechatBot({ puppet, groupIds: [], rateLimits: { perContactIntervalMs: 10, maxWaitMs: 1_000 } });
  await bot.start(services);
  try {
    mocker.login(me);
    await expectEventually(() => { if (bot.state().status !== 'logged_in') throw new Error(`bot is ${bot.state().status}`); });
  } catch (err) {
    await bot.stop();
    throw err;
  }
  return { bot, mocker, me, member, said: inbox(member, me), stop: () => bot.stop() };
}
