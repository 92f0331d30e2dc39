"""Peer for `critmin concentration`: the same table computed the way an analyst's notebook
would, with pandas, from the same CSV files (data/production.csv, reserves.csv, refining.csv,
iea_supply_2024.csv).

Per (mineral, stage, year, source): shares of the published world total (WLD) when there is
one, else of the sum of all rows including ROW; HHI over named countries (lower bound) and
with the uncovered remainder as one supplier (upper bound); top-3 share; top country. The IEA
refined rows that appear in two files are dropped once, as critmin does. Prints JSON records.
"""

import json
import sys
from pathlib import Path

import pandas as pd

data = Path(sys.argv[1] if len(sys.argv) > 1 else "data")
frames = [
    pd.read_csv(data / name, dtype={"country_iso3": str})
    for name in ("production.csv", "reserves.csv", "refining.csv", "iea_supply_2024.csv")
]
df = pd.concat(frames, ignore_index=True)
df["source_code"] = df["source"].str.split().str[0]
df = df.drop_duplicates(subset=["mineral", "stage", "country_iso3", "year", "source_code", "value"])
df = df.dropna(subset=["value"])

records = []
for (mineral, stage, year, source), g in df.groupby(["mineral", "stage", "year", "source_code"], sort=True):
    world = g.loc[g.country_iso3 == "WLD", "value"]
    named = g[~g.country_iso3.isin(["WLD", "ROW"])]
    sum_rows = g.loc[g.country_iso3 != "WLD", "value"].sum()
    total = world.iloc[0] if len(world) and world.iloc[0] >= named.value.sum() and world.iloc[0] > 0 else sum_rows
    if total <= 0 or named.empty:
        continue
    shares = (named.value / total).sort_values(ascending=False)
    remainder = max(0.0, 1.0 - shares.sum())
    hhi = 10_000 * (shares**2).sum()
    records.append(
        {
            "mineral": mineral,
            "stage": stage,
            "year": int(year),
            "source": source,
            "unit": g.unit.iloc[0],
            "hhi": hhi,
            "hhi_upper": hhi + 10_000 * remainder**2,
            "top3_share": shares.head(3).sum(),
            "top_country": named.loc[shares.index[0], "country_iso3"],
            "top_share": shares.iloc[0],
        }
    )
json.dump(records, sys.stdout)
print()
