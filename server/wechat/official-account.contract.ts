/**
 * What an admin sends to create or change an Official Account (docs/wechat.md), shared by the server
 * and the console (web/ imports this file, so it imports nothing).
 */
export interface OfficialAccountInput {
  name?: string;
  appId?: string;
  appSecret?: string;
  token?: string;
  /** null: plaintext mode only. */
  encodingAESKey?: string | null;
  departmentId?: number;
  active?: boolean;
}

/** The API's masked value of a secret: sent back in a PATCH it keeps the stored secret. */
export const SECRET_MASK = '********';
