// Checks the portal's dictionaries: en.json and ja.json have the same keys,
// no empty text, and every literal key the pages ask for (t('x.y')) exists.
// Prints the problems and exits 1 if there are any.
//   node tests/browser/i18n_check.mjs [WEB_DIR]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = process.argv[2] || new URL('../../web', import.meta.url).pathname;
const en = JSON.parse(readFileSync(join(web, 'i18n/en.json'), 'utf8'));
const ja = JSON.parse(readFileSync(join(web, 'i18n/ja.json'), 'utf8'));
const problems = [];
for (const k of Object.keys(en)) if (!(k in ja)) problems.push(`ja.json lacks ${k}`);
for (const k of Object.keys(ja)) if (!(k in en)) problems.push(`en.json lacks ${k}`);
for (const [name, d] of [['en', en], ['ja', ja]])
    for (const [k, v] of Object.entries(d)) if (typeof v !== 'string' || !v.trim()) problems.push(`${name}.json: ${k} is empty`);

function walk(dir) {
    return readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') ? [p] : [];
    });
}
let used = 0;
for (const file of walk(join(web, 'js'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z0-9_-]+\.[a-z0-9_.-]+)'/g)) {
        used++;
        if (!(m[1] in en)) problems.push(`${file.slice(web.length + 1)}: key ${m[1]} is in no dictionary`);
    }
}
for (const p of problems) console.log('i18n: ' + p);
console.log(`i18n: ${Object.keys(en).length} keys, ${used} literal uses, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
