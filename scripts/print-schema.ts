import { writeFileSync } from 'node:fs';
import { printedSchema, SCHEMA_FILE } from '../src/graphql/print-schema.js';

writeFileSync(SCHEMA_FILE, printedSchema());
console.log(`wrote ${SCHEMA_FILE}`);
