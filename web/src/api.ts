// The public GraphQL API at /graphql: JSON POST for queries and mutations,
// server-sent events for planUpdated. Documents come typed from
// generated/graphql.ts: their result and variables types follow. The API key lives in memory (and in
// sessionStorage only when the user asks to remember it for this tab).

import type { TypedDocumentString } from './generated/graphql.js';

const KEY_STORAGE = 'tokengrid.apiKey';
let apiKey: string | null = sessionStorage.getItem(KEY_STORAGE);

export function setApiKey(key: string, rememberForTab: boolean): void {
  apiKey = key.trim() || null;
  if (rememberForTab && apiKey) sessionStorage.setItem(KEY_STORAGE, apiKey);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** The server answered 401: a key is needed (reason: missing, malformed, invalid, revoked, expired). */
export class AuthRequired extends Error {
  constructor(readonly reason: string) {
    super(`an API key is needed (${reason})`);
  }
}

export class ApiError extends Error {}

const keyHeader = (): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

function headers(accept: string): Record<string, string> {
  return { 'content-type': 'application/json', accept, ...keyHeader() };
}

interface GraphQLBody<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

async function authFailure(response: Response): Promise<AuthRequired> {
  const body = (await response.json().catch(() => ({}))) as GraphQLBody<unknown>;
  return new AuthRequired(body.errors?.[0]?.extensions?.reason ?? 'missing');
}

export async function gql<T, V>(document: TypedDocumentString<T, V>, variables?: V): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: headers('application/json'),
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  if (response.status === 401) throw await authFailure(response);
  const body = (await response.json()) as GraphQLBody<T>;
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join('; '));
  if (!body.data) throw new ApiError(`the server answered ${response.status} without data`);
  return body.data;
}

/**
 * A file the server streams (a plan's export), fetched with the key (a plain
 * link could not send it) and read whole into a Blob; `name` is the one the
 * server gives in Content-Disposition.
 */
export async function fetchFile(path: string): Promise<{ blob: Blob; name: string | null }> {
  const response = await fetch(path, { headers: keyHeader() });
  if (response.status === 401) throw await authFailure(response);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as GraphQLBody<unknown>;
    throw new ApiError(body.errors?.[0]?.message ?? `the server answered ${response.status}`);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null;
  return { blob: await response.blob(), name };
}

/**
 * A subscription over server-sent events: calls onNext with each payload's data
 * until the stream completes or the returned function is called.
 */
export function subscribe<T, V>(
  document: TypedDocumentString<T, V>,
  variables: V,
  onNext: (data: T) => void,
): { done: Promise<void>; stop: () => void } {
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: headers('text/event-stream'),
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: controller.signal,
    });
    if (response.status === 401) throw await authFailure(response);
    if (!response.ok || !response.body) throw new ApiError(`the subscription was refused (${response.status})`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += chunk.value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (event === 'complete') return;
        if (event !== 'next' || data.length === 0) continue;
        const payload = JSON.parse(data.join('\n')) as GraphQLBody<T>;
        if (payload.errors?.length) throw new ApiError(payload.errors.map((e) => e.message).join('; '));
        if (payload.data) onNext(payload.data);
      }
    }
  })();
  return { done, stop: () => controller.abort() };
}
