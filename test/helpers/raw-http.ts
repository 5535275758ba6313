// One HTTP request with the headers exactly as given (a Host other than the
// address dialled, as a DNS-rebinding page's browser sends it); fetch() would
// set Host from the URL.
import { request as httpRequest } from 'node:http';

export function rawRequest(
  serverUrl: string,
  options: { host: string; path: string; body?: string },
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: options.body === undefined ? 'GET' : 'POST',
        path: options.path,
        headers: { host: options.host, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
