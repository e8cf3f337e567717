/** Rows of views read with `SELECT *` answer in the API's own spelling: camelCase keys, like every other answer. */
const camelCase = (column: string): string => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

export const camelCaseKeys = (row: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [camelCase(column), value]));
