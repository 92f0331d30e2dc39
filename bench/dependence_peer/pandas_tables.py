"""Peer of `critmin dependence` and `critmin trend`, written the way an analyst would in a
pandas notebook, on the files critmin ships (data/trade, data/hs_minerals.csv).

    pandas_tables.py dependence ISO3 [MINERAL] OUT.json
    pandas_tables.py trend MINERAL OUT.json

Writes the table as a JSON list of rows keyed like critmin's (mineral, stage, year;
dependence: imports_t, imports_usd, suppliers [{country, share}] largest first, hhi; trend:
world_total, n_countries, hhi, top3_share, top_country) and prints the in-process seconds
(load, compute, total; interpreter start-up excluded) as JSON on stdout.

The rules are critmin's (crates/critmin-trade/src/sourcing.rs and flows.rs), restated here:
- The shipped flows are two BACI files, HS 1992 (1995-2024, zipped) and HS 2017 (2024). Each
  (mineral, stage) is read from the first file holding a code the HS map gives it under that
  file's revision, alone, for every year (so cobalt processing is 282200 + 810510 in HS 1992).
- Contained tonnes = q x factor over rows with a quantity; USD = 1000 x v over every row.
- Dependence: the importer's rows, its own re-exports to itself left out; supplier shares of
  contained tonnes; HHI = 10,000 x sum of squared shares (capped at 10,000).
- Trend: every row of the mineral's codes; exporter shares of value; HHI, top-3 share, top
  country. Countries are BACI's numeric codes, shown by ISO3 (`#490` when there is none).
"""

import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
HS92 = ROOT / "data/trade/BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip"
HS17 = ROOT / "data/trade/BACI_HS17_V202601_2024_30codes.csv"
CODES = ROOT / "data/trade/BACI_country_codes_V202601.csv"
HS_MAP = ROOT / "data/hs_minerals.csv"

started = time.perf_counter()
command = sys.argv[1]
out_path = sys.argv[-1]

# --- load ---------------------------------------------------------------------------------
dtypes = {"t": "int16", "i": "int16", "j": "int16", "k": "int32", "v": "float64", "q": "float64"}
parts = [
    ("HS1992", pd.read_csv(HS92, dtype=dtypes, na_values=["NA"])),
    ("HS2017", pd.read_csv(HS17, dtype=dtypes, na_values=["NA"])),
]
# "NA" is Namibia's ISO2: no NA parsing in the country table.
countries = pd.read_csv(CODES, dtype=str, keep_default_na=False)
hs_map = pd.read_csv(HS_MAP, dtype={"hs6": "int32"})
loaded = time.perf_counter()

# --- which codes each (mineral, stage) is read on -------------------------------------------
label = {
    int(code): iso if len(iso) == 3 and iso.isalpha() and iso.isupper() else f"#{code}"
    for code, iso in zip(countries.country_code, countries.country_iso3)
}
selected = []  # (part, k, mineral, stage, factor)
first_part = {}
for index, (revision, flows) in enumerate(parts):
    present = set(flows.k.unique())
    rows = hs_map[hs_map.nomenclature.str.split(";").apply(lambda r: revision in r) & hs_map.hs6.isin(present)]
    for m in rows.itertuples():
        if first_part.setdefault((m.mineral, m.stage), index) == index:
            selected.append((index, m.hs6, m.mineral, m.stage, m.factor))
selection = pd.DataFrame(selected, columns=["part", "k", "mineral", "stage", "factor"])


def mapped(keep):
    """The rows `keep` picks from each part, one row per (row, mineral, stage) it maps to."""
    frames = []
    for index, (_, flows) in enumerate(parts):
        codes = selection[selection.part == index].drop(columns="part")
        frames.append(flows[keep(flows)].merge(codes, on="k"))
    return pd.concat(frames, ignore_index=True)


def ranked(frame, keys, country, amount):
    """Per `keys` group: shares of `amount` by `country` (positive only), largest first."""
    frame = frame[frame[amount] > 0].copy()
    frame["share"] = frame[amount] / frame.groupby(keys)[amount].transform("sum")
    return frame.sort_values(keys + ["share", country], ascending=[True] * len(keys) + [False, True])


def hhi(shares):
    return min(10_000.0, 10_000.0 * float((shares**2).sum()))


keys = ["mineral", "stage", "t"]
if command == "dependence":
    iso3 = sys.argv[2]
    mineral = sys.argv[3] if len(sys.argv) == 5 else None
    importer = [int(c) for c in countries.country_code[countries.country_iso3 == iso3]]
    imports = mapped(lambda f: f.j.isin(importer) & ~f.i.isin(importer))
    if mineral is not None:
        imports = imports[imports.mineral == mineral]
    imports["tonnes"] = imports.q * imports.factor  # NaN where q is missing
    imports["usd"] = imports.v * 1000
    totals = imports.groupby(keys).agg(imports_t=("tonnes", "sum"), imports_usd=("usd", "sum"))
    by_supplier = imports.dropna(subset=["q"]).groupby(keys + ["i"], as_index=False)["tonnes"].sum()
    suppliers = ranked(by_supplier, keys, "i", "tonnes")
    shares = {key: group for key, group in suppliers.groupby(keys)}
    table = []
    for (mineral_id, stage, year), row in totals.iterrows():
        group = shares.get((mineral_id, stage, year))
        table.append(
            {
                "mineral": mineral_id,
                "stage": stage,
                "year": int(year),
                "imports_t": float(row.imports_t),
                "imports_usd": float(row.imports_usd),
                "suppliers": []
                if group is None
                else [{"country": label[int(c)], "share": float(s)} for c, s in zip(group.i, group.share)],
                "hhi": None if group is None else hhi(group.share),
            }
        )
elif command == "trend":
    mineral = sys.argv[2]
    world = mapped(lambda f: f.k.isin(selection.k[selection.mineral == mineral]))
    world = world[world.mineral == mineral]
    by_exporter = world.groupby(keys + ["i"], as_index=False)["v"].sum()
    totals = by_exporter.groupby(keys)["v"].sum()
    exporters = ranked(by_exporter, keys, "i", "v")
    shares = {key: group for key, group in exporters.groupby(keys)}
    table = []
    for (mineral_id, stage, year), total in totals.items():
        group = shares.get((mineral_id, stage, year))
        top = [] if group is None else list(zip(group.i[:3], group.share[:3]))
        table.append(
            {
                "mineral": mineral_id,
                "stage": stage,
                "year": int(year),
                "world_total": float(total) * 1000,
                "n_countries": 0 if group is None else len(group),
                "hhi": None if group is None else hhi(group.share),
                "top3_share": float(sum(s for _, s in top)) if top else None,
                "top_country": label[int(top[0][0])] if top else None,
            }
        )
else:
    sys.exit(f"unknown command {command}")

with open(out_path, "w") as f:
    json.dump(table, f)
done = time.perf_counter()
print(json.dumps({"load_s": loaded - started, "compute_s": done - loaded, "total_s": done - started}))
