// Builds crates/critmin-html/assets/world_110m.tsv: pre-projected SVG path
// data for every country in world-atlas countries-110m.json, keyed by
// ISO 3166-1 alpha-3. Regenerate with:
//   cd tools/worldmap && npm ci && node build.mjs
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";
import { geoNaturalEarth1, geoPath, geoGraticule10 } from "d3-geo";
import countries from "i18n-iso-countries";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const OUT = join(here, "..", "..", "crates", "critmin-html", "assets", "world_110m.tsv");

const WIDTH = 960;
const HEIGHT = 500;
const MARGIN = 4;

const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-110m.json"), "utf8"));
const fc = feature(topo, topo.objects.countries);

const sphere = { type: "Sphere" };
const projection = geoNaturalEarth1().fitExtent(
  [[MARGIN, MARGIN], [WIDTH - MARGIN, HEIGHT - MARGIN]],
  sphere,
);
const path = geoPath(projection).digits(1);

// Features in world-atlas that carry no ISO 3166-1 numeric id.
const SPECIAL = { Kosovo: "XKX" };

const slug = (s) =>
  s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toUpperCase().replace(/[^A-Z0-9]+/g, "-").replace(/^-+|-+$/g, "");

const clean = (s) => String(s).replace(/[\t\r\n]+/g, " ").trim();

const rows = [];
const seen = new Map();
const noIso = [];
for (const f of fc.features) {
  const name = clean(f.properties?.name ?? "");
  let code;
  if (f.id !== undefined && f.id !== null && f.id !== "") {
    code = countries.numericToAlpha3(String(f.id).padStart(3, "0"));
    if (!code) throw new Error(`no alpha-3 for numeric id ${f.id} (${name})`);
  } else if (SPECIAL[name]) {
    code = SPECIAL[name];
    noIso.push(`${name} -> ${code}`);
  } else {
    code = `X-${slug(name)}`;
    noIso.push(`${name} -> ${code}`);
  }
  const d = path(f);
  if (!d) {
    console.warn(`warning: empty path for ${code} (${name}); skipped`);
    continue;
  }
  if (seen.has(code)) throw new Error(`duplicate code ${code}: ${seen.get(code)} / ${name}`);
  seen.set(code, name);
  rows.push([code, name, d]);
}

rows.push(["_SPHERE", "Sphere", path(sphere)]);
rows.push(["_GRATICULE", "Graticule", path(geoGraticule10())]);

rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const text = "iso3\tname\td\n" + rows.map((r) => r.join("\t")).join("\n") + "\n";
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, text);

console.log(`wrote ${OUT}`);
console.log(`rows: ${rows.length} (${rows.length - 2} features + _SPHERE + _GRATICULE)`);
console.log(`bytes: ${Buffer.byteLength(text)}`);
if (noIso.length) console.log(`features without ISO numeric id: ${noIso.join(", ")}`);
