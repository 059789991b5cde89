import type { mock } from 'wechaty-puppet-mock';

export type MockContact = ReturnType<mock.Mocker['createContact']>;

/** What the bot said to a mock contact (the mock emits the bot's say() as a message from the bot). */
export function inbox(contact: MockContact, bot: MockContact): string[] {
  const got: string[] = [];
  (contact as unknown as NodeJS.EventEmitter).on('message', (m: { payload: { talkerId: string; text?: string } }) => {
    if (m.payload.talkerId === bot.id) got.push(m.payload.text ?? '');
  });
  return got;
}
