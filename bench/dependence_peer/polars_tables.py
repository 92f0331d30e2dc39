"""Peer of `critmin dependence` and `critmin trend` in polars, on the files critmin ships.

    polars_tables.py dependence ISO3 [MINERAL] OUT.json
    polars_tables.py trend MINERAL OUT.json

Same rules, output and timing line as pandas_tables.py (read its docstring); the only
difference is the engine: polars expressions, group-bys and joins instead of pandas.
"""

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
HS92 = ROOT / "data/trade/BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip"
HS17 = ROOT / "data/trade/BACI_HS17_V202601_2024_30codes.csv"
CODES = ROOT / "data/trade/BACI_country_codes_V202601.csv"
HS_MAP = ROOT / "data/hs_minerals.csv"

started = time.perf_counter()
command = sys.argv[1]
out_path = sys.argv[-1]

# --- load ---------------------------------------------------------------------------------
schema = {"t": pl.Int16, "i": pl.Int16, "j": pl.Int16, "k": pl.Int32, "v": pl.Float64, "q": pl.Float64}
with zipfile.ZipFile(HS92) as archive:
    hs92_bytes = archive.read(archive.namelist()[0])
parts = [
    ("HS1992", pl.read_csv(io.BytesIO(hs92_bytes), schema=schema, null_values=["NA"])),
    ("HS2017", pl.read_csv(HS17, schema=schema, null_values=["NA"])),
]
countries = pl.read_csv(CODES, infer_schema=False)  # all text; "NA" (Namibia's ISO2) stays text
hs_map = pl.read_csv(HS_MAP, schema_overrides={"hs6": pl.Int32})
loaded = time.perf_counter()

# --- which codes each (mineral, stage) is read on -------------------------------------------
label = {
    int(code): iso if len(iso) == 3 and iso.isalpha() and iso.isupper() else f"#{code}"
    for code, iso in zip(countries["country_code"], countries["country_iso3"])
}
selected = []  # (part, k, mineral, stage, factor)
first_part = {}
for index, (revision, flows) in enumerate(parts):
    present = flows["k"].unique().implode()
    rows = hs_map.filter(pl.col("nomenclature").str.split(";").list.contains(revision) & pl.col("hs6").is_in(present))
    for hs6, mineral_id, stage, factor in rows.select("hs6", "mineral", "stage", "factor").iter_rows():
        if first_part.setdefault((mineral_id, stage), index) == index:
            selected.append((index, hs6, mineral_id, stage, factor))
selection = pl.DataFrame(
    selected,
    schema={"part": pl.Int64, "k": pl.Int32, "mineral": pl.Utf8, "stage": pl.Utf8, "factor": pl.Float64},
    orient="row",
)


def mapped(keep):
    """The rows `keep` picks from each part, one row per (row, mineral, stage) it maps to."""
    return pl.concat(
        flows.filter(keep).join(selection.filter(pl.col("part") == index).drop("part"), on="k")
        for index, (_, flows) in enumerate(parts)
    )


keys = ["mineral", "stage", "t"]


def ranked(frame, country, amount):
    """Per `keys` group: shares of `amount` by `country` (positive only), largest first, with
    the HHI (capped at 10,000) and the group's list of (country, share)."""
    return (
        frame.filter(pl.col(amount) > 0)
        .with_columns((pl.col(amount) / pl.col(amount).sum().over(keys)).alias("share"))
        .sort(keys + ["share", country], descending=[False] * len(keys) + [True, False])
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col(country).alias("countries"),
            pl.col("share").alias("shares"),
            (10_000 * (pl.col("share") ** 2).sum()).clip(upper_bound=10_000).alias("hhi"),
        )
    )


if command == "dependence":
    iso3 = sys.argv[2]
    mineral = sys.argv[3] if len(sys.argv) == 5 else None
    importer = [int(c) for c in countries.filter(pl.col("country_iso3") == iso3)["country_code"]]
    imports = mapped(pl.col("j").is_in(importer) & ~pl.col("i").is_in(importer))
    if mineral is not None:
        imports = imports.filter(pl.col("mineral") == mineral)
    imports = imports.with_columns((pl.col("q") * pl.col("factor")).alias("tonnes"))  # null without q
    totals = imports.group_by(keys).agg(
        pl.col("tonnes").sum().alias("imports_t"), (pl.col("v").sum() * 1000).alias("imports_usd")
    )
    by_supplier = imports.drop_nulls("q").group_by(keys + ["i"]).agg(pl.col("tonnes").sum())
    table_frame = totals.join(ranked(by_supplier, "i", "tonnes"), on=keys, how="left").sort(keys)
    table = [
        {
            "mineral": r["mineral"],
            "stage": r["stage"],
            "year": r["t"],
            "imports_t": r["imports_t"],
            "imports_usd": r["imports_usd"],
            "suppliers": [{"country": label[c], "share": s} for c, s in zip(r["countries"] or [], r["shares"] or [])],
            "hhi": r["hhi"],
        }
        for r in table_frame.iter_rows(named=True)
    ]
elif command == "trend":
    mineral = sys.argv[2]
    world = mapped(pl.col("k").is_in(selection.filter(pl.col("mineral") == mineral)["k"].implode()))
    world = world.filter(pl.col("mineral") == mineral)
    by_exporter = world.group_by(keys + ["i"]).agg(pl.col("v").sum())
    totals = by_exporter.group_by(keys).agg((pl.col("v").sum() * 1000).alias("world_total"))
    table_frame = totals.join(ranked(by_exporter, "i", "v"), on=keys, how="left").sort(keys)
    table = []
    for r in table_frame.iter_rows(named=True):
        top = list(zip(r["countries"] or [], r["shares"] or []))[:3]
        table.append(
            {
                "mineral": r["mineral"],
                "stage": r["stage"],
                "year": r["t"],
                "world_total": r["world_total"],
                "n_countries": len(r["countries"] or []),
                "hhi": r["hhi"],
                "top3_share": sum(s for _, s in top) if top else None,
                "top_country": label[top[0][0]] if top else None,
            }
        )
else:
    sys.exit(f"unknown command {command}")

with open(out_path, "w") as f:
    json.dump(table, f)
done = time.perf_counter()
print(json.dumps({"load_s": loaded - started, "compute_s": done - loaded, "total_s": done - started}))
