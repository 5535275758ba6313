// Row ids are PostgreSQL uuids. A string that is not one names no row, and a
// query with it would make PostgreSQL refuse the cast: check before asking.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);
