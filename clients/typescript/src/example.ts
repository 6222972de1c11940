// A short tour with openapi-fetch: every path, body, parameter and response is typed by
// src/schema.d.ts (generated from WILDCAT's OpenAPI document by `npm run generate`).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Message = components["schemas"]["Message"];
export type ApiError = components["schemas"]["Error"];

export function wildcat(baseUrl: string, apiKey?: string) {
  return createClient<paths>({
    baseUrl,
    headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
  });
}

/** Send a text and return its message id; throws with WILDCAT's error code on failure. */
export async function sendText(
  client: ReturnType<typeof wildcat>, accountId: string, to: string, text: string,
): Promise<string> {
  const { data, error } = await client.POST("/accounts/{account_id}/message/send", {
    params: { path: { account_id: accountId } },
    body: { to, message: text },
  });
  if (error) throw new Error(`${error.code}: ${error.error}`);
  return data.messageId;
}

/** The newest messages of a chat, typed as the spec's Message schema. */
export async function latestMessages(
  client: ReturnType<typeof wildcat>, accountId: string, chatId: string,
): Promise<Message[]> {
  const { data, error } = await client.GET("/accounts/{account_id}/chats/{chat_id}/messages", {
    params: { path: { account_id: accountId, chat_id: chatId }, query: { limit: 20 } },
  });
  if (error) throw new Error(`${error.code}: ${error.error}`);
  return data.messages;
}

/** A message's media as bytes (the spec declares it application/octet-stream). */
export async function downloadMedia(
  client: ReturnType<typeof wildcat>, accountId: string, messageId: string,
): Promise<ArrayBuffer> {
  const { data, error } = await client.GET("/accounts/{account_id}/messages/{message_id}/media", {
    params: { path: { account_id: accountId, message_id: messageId } },
    parseAs: "arrayBuffer",
  });
  if (error) throw new Error(`${error.code}: ${error.error}`);
  return data;
}

/** The pending login QR's payload as JSON (render it with any QR library). */
export async function loginQr(client: ReturnType<typeof wildcat>, accountId: string) {
  const { data, error } = await client.GET("/accounts/{account_id}/qr.json", {
    params: { path: { account_id: accountId } },
  });
  if (error) throw new Error(`${error.code}: ${error.error}`);
  return data.qr;
}
