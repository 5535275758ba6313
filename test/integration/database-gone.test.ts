// A database that fails under the API key lookup (before execution): the caller
// gets the masked 500 with its request id, the log gets the real error under that
// id, and the driver's text never reaches the client. (PostgreSQL refusing and
// black-holed, through a real proxy: test/e2e/database-outage.test.ts.)
import { expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApp } from '../../src/server/app.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { createLogger } from '../../src/observability/logger.js';

it('the key lookup failing answers 500 "Unexpected error." with the request id, and logs the cause under it', async () => {
  const gone = await openTestDatabase({ fixtures: false });
  await gone.close();
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(line) });
  const app = createApp({ db: gone, limits: TEST_LIMITS, auth: { kind: 'keys' }, logger });
  const response = await app.fetch('http://tokengrid.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${generateApiKey().key}`,
      'x-request-id': 'lookup-1',
    },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(response.status).toBe(500);
  expect(response.headers.get('x-request-id')).toBe('lookup-1');
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({
    errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'lookup-1' } }],
  });
  expect(text).not.toMatch(/prisma|invocation|closed|stack/i);
  const logged = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'unexpected error');
  expect(logged).toMatchObject({ requestId: 'lookup-1', level: 50 });
  expect(logged.err.message).toBeTruthy();
});
