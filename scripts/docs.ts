// `npm run docs`: rewrite the README's option table from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdown, replaceBetweenMarkers } from '../src/docs.js';

const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', replaceBetweenMarkers(readme, 'options', optionsMarkdown()));
console.log('README.md: option table regenerated from schema/netc.schema.json');
