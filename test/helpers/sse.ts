// A GraphQL subscription over server-sent events, as a client sees it: POST
// with `accept: text/event-stream`, then `event: next` / `event: complete` frames.

export interface SseEvent {
  event: string;
  data: any;
}

export interface Subscription {
  response: Response;
  /** the next event, or null when the stream ended */
  next(timeoutMs?: number): Promise<SseEvent | null>;
  close(): Promise<void>;
}

export async function subscribe(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Subscription> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pending: SseEvent[] = [];
  let ended = false;

  const parseFrames = () => {
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) continue; // keep-alive comment
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (event === 'message' && data.length === 0) continue;
      const text = data.join('\n');
      pending.push({ event, data: text === '' ? null : JSON.parse(text) });
    }
  };

  return {
    response,
    async next(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0 && !ended) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`no server-sent event within ${timeoutMs} ms`)), remaining),
          ),
        ]);
        if (chunk.done) ended = true;
        else {
          buffer += chunk.value;
          parseFrames();
        }
      }
      return pending.shift() ?? null;
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}

/** Every event until the stream ends. */
export async function allEvents(subscription: Subscription, timeoutMs = 60_000): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await subscription.next(Math.max(1, deadline - Date.now()));
    if (!event) return events;
    events.push(event);
  }
}
