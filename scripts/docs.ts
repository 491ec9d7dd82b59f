// `npm run docs`: write schema/netc.schema.json (for editors) from the schema netc builds
// out of its base and the op table, and rewrite the README's option table from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdown, replaceBetweenMarkers } from '../src/docs.js';
import { schemaText } from '../src/schema/index.js';

writeFileSync('schema/netc.schema.json', schemaText());
const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', replaceBetweenMarkers(readme, 'options', optionsMarkdown()));
console.log('schema/netc.schema.json written; README.md: option table regenerated from it');
