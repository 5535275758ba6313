// Solver keys are generated from codes, never taken from them: a code becomes
// a token of [A-Za-z0-9] (other characters replaced, length capped), and tokens
// that would collide get `.<index>` appended (tokens hold no `.` or `_`, so every
// generated key parses one way). Keys then look like
// `route_<site>_<region>_<class>_<t>` and cannot inject anything into a
// solver's model format or an object's prototype.

const MAX_TOKEN_LENGTH = 24;

export function sanitizeToken(code: string): string {
  const token = code.replace(/[^A-Za-z0-9]/g, 'x').slice(0, MAX_TOKEN_LENGTH);
  return token.length > 0 ? token : 'x';
}

/** One token per code, unique within the list (codes are unique, tokens may not be). */
export function uniqueTokens(codes: readonly string[]): string[] {
  const tokens = codes.map(sanitizeToken);
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return tokens.map((token, index) => (counts.get(token)! > 1 ? `${token}.${index}` : token));
}
