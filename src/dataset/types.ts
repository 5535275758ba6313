// What a parser or validator says about its input. The records themselves are
// the outputs of the zod schemas in schema.ts.

/** One problem found in input: where (file/row/field or a JSON-style path) and what. */
export interface DatasetIssue {
  /** e.g. `sites.csv:12 price_per_kwh` for CSV, `sites[3].pricePerKwh` for JSON */
  path: string;
  message: string;
  file?: string;
  /** line number in the CSV file (the header is line 1, the first record line 2) */
  row?: number;
  field?: string;
}
