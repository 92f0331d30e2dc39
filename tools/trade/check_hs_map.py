#!/usr/bin/env python3
"""Checks data/hs_minerals.csv against the BACI trade files shipped in data/trade/.

Standard library only. Run from anywhere: `python3 tools/trade/check_hs_map.py`.

What it checks (exit status 1 if any fails):
* every HS6 code in a shipped BACI file (`t,i,j,k,v,q`) is mapped under that file's HS
  revision, or is in EXCLUDED below with the reason it cannot be mapped;
* every mineral id of the map exists in data/minerals.csv;
* every factor is in (0, 1]; the only exception allowed is an oxide-equivalent basis above 1
  (rare-earth metal counted as REO), listed in OXIDE_BASIS;
* nomenclature, stage and lumped hold known values; factor_basis and source are filled;
* no (hs6, revision, mineral) appears twice;
* the HS92 product-code table lists exactly the codes of the HS92 trade file.

It also prints, per file and code, the number of rows, the year range, the rows with an empty
quantity, and the mapping (mineral/stage/factor) each code gets.
"""

import csv
import io
import pathlib
import re
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TRADE = DATA / "trade"

REVISIONS = {"HS1992", "HS2017", "HS2022"}
STAGES = {"mining", "processing", "manufacturing"}
# Rows whose basis is an oxide equivalent of a metal, so the factor may exceed 1.
OXIDE_BASIS = {("280530", "rare_earths")}

# Codes shipped in data/trade/ that are deliberately not mapped, with the reason.
_NO_ID = "mineral not in data/minerals.csv"
EXCLUDED = {
    "251110": f"barytes: {_NO_ID}",
    "251910": f"magnesite: {_NO_ID}",
    "252800": f"natural borates: {_NO_ID}",
    "252890": f"natural borates: {_NO_ID}",
    "252910": f"feldspar: {_NO_ID}",
    "252922": f"fluorspar: {_NO_ID}",
    "260700": f"lead ores: {_NO_ID}",
    "261210": f"uranium ores: {_NO_ID}",
    "261510": f"zirconium ores: {_NO_ID}",
    "261610": f"silver ores: {_NO_ID}",
    "261690": "precious-metal ores other than silver: gold dominates and has no id; "
    "the PGM content per tonne is unknown",
    "270112": f"bituminous coal: {_NO_ID}",
    "280429": f"rare gases other than argon (helium): {_NO_ID}",
    "280470": "elemental phosphorus: phosphate_rock is counted as gross rock, and a tonne of P "
    "is about 7.6 t of rock (outside (0, 1])",
    "280480": f"arsenic: {_NO_ID}",
    "280490": f"selenium: {_NO_ID}",
    "283030": f"cadmium sulphide: {_NO_ID}",
    "283692": f"strontium carbonate: {_NO_ID}",
    "711290": f"precious-metal waste other than gold or platinum (silver): {_NO_ID}",
    "810411": f"unwrought magnesium: {_NO_ID}",
    "810710": f"cadmium: {_NO_ID}",
    "811211": f"beryllium: {_NO_ID}",
    "811212": f"beryllium: {_NO_ID}",
}


def revision_of(name):
    """HS revision of a BACI file from its name (BACI_HS92_..., BACI_HS17_...)."""
    m = re.search(r"BACI_HS(\d\d)_", name)
    if not m:
        return None
    yy = int(m.group(1))
    return f"HS{1900 + yy if yy >= 88 else 2000 + yy}"


def read_trade(path):
    """Rows of a BACI trade file (plain or zipped CSV), or None if it is not a trade file."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            members = [n for n in z.namelist() if n.endswith(".csv")]
            if len(members) != 1:
                return None
            text = io.TextIOWrapper(z.open(members[0]), encoding="utf-8")
            rows = list(csv.reader(text))
    else:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    if not rows or rows[0] != ["t", "i", "j", "k", "v", "q"]:
        return None
    return rows[1:]


def main():
    failures = []
    minerals = {r["id"] for r in csv.DictReader(open(DATA / "minerals.csv", encoding="utf-8"))}
    map_rows = list(csv.DictReader(open(DATA / "hs_minerals.csv", encoding="utf-8")))
    mapped = {}  # (hs6, revision) -> [row]
    seen = set()
    for n, r in enumerate(map_rows, start=2):
        where = f"hs_minerals.csv:{n} ({r['hs6']} {r['mineral']})"
        if not re.fullmatch(r"\d{6}", r["hs6"]):
            failures.append(f"{where}: hs6 is not six digits")
        revs = [p.strip() for p in r["nomenclature"].split(";")]
        if not revs or any(p not in REVISIONS for p in revs):
            failures.append(f"{where}: nomenclature {r['nomenclature']!r} not in {sorted(REVISIONS)}")
        if r["mineral"] not in minerals:
            failures.append(f"{where}: mineral {r['mineral']!r} is not an id of minerals.csv")
        if r["stage"] not in STAGES:
            failures.append(f"{where}: stage {r['stage']!r} not in {sorted(STAGES)}")
        if r["lumped"] not in ("true", "false"):
            failures.append(f"{where}: lumped {r['lumped']!r} is not true/false")
        try:
            factor = float(r["factor"])
        except ValueError:
            factor = float("nan")
        upper = 2.0 if (r["hs6"], r["mineral"]) in OXIDE_BASIS else 1.0
        if not (0.0 < factor <= upper):
            failures.append(f"{where}: factor {r['factor']!r} not in (0, {upper:g}]")
        for column in ("factor_basis", "source", "description"):
            if not r[column].strip():
                failures.append(f"{where}: {column} is empty")
        for rev in revs:
            key = (r["hs6"], rev, r["mineral"])
            if key in seen:
                failures.append(f"{where}: ({r['hs6']}, {rev}, {r['mineral']}) appears twice")
            seen.add(key)
            mapped.setdefault((r["hs6"], rev), []).append(r)

    trade_files = sorted(p for p in TRADE.iterdir() if p.name.endswith((".csv", ".csv.zip")))
    shipped_codes = {}
    for path in trade_files:
        rows = read_trade(path)
        if rows is None:
            continue
        rev = revision_of(path.name)
        if rev is None:
            failures.append(f"{path.name}: HS revision not recognisable from the file name")
            continue
        stats = {}
        for t, _i, _j, k, _v, q in rows:
            s = stats.setdefault(k, [0, 9999, 0, 0])
            s[0] += 1
            s[1] = min(s[1], int(t))
            s[2] = max(s[2], int(t))
            s[3] += q == ""
        shipped_codes[path.name] = set(stats)
        years = sorted({int(r[0]) for r in rows})
        print(f"\n{path.name}: {rev}, {len(rows)} rows, {len(stats)} codes, years {years[0]}-{years[-1]}, "
              f"{sum(s[3] for s in stats.values())} rows with empty q")
        print(f"  {'code':6} {'rows':>7} {'years':9} {'q empty':>7}  mapping")
        for k in sorted(stats):
            n, y0, y1, qe = stats[k]
            if (k, rev) in mapped:
                how = "; ".join(
                    f"{m['mineral']}/{m['stage']}/{m['factor']}" + (" lumped" if m["lumped"] == "true" else "")
                    for m in mapped[(k, rev)]
                )
            elif k in EXCLUDED:
                how = f"not mapped: {EXCLUDED[k]}"
            else:
                how = "NOT MAPPED"
                failures.append(f"{path.name}: code {k} has no row for {rev} in hs_minerals.csv and no exclusion")
            print(f"  {k:6} {n:7} {y0}-{y1} {qe:7}  {how}")

    hs92 = [n for n in shipped_codes if revision_of(n) == "HS1992"]
    product_table = TRADE / "BACI_HS92_product_codes.csv"
    if hs92 and product_table.exists():
        listed = {r["code"] for r in csv.DictReader(open(product_table, encoding="utf-8"))}
        for name in hs92:
            if listed != shipped_codes[name]:
                failures.append(f"{product_table.name} and {name} list different codes: "
                                f"{sorted(listed ^ shipped_codes[name])}")

    all_shipped = set().union(*shipped_codes.values()) if shipped_codes else set()
    stale = sorted(k for k in EXCLUDED if k not in all_shipped)
    if stale:
        failures.append(f"EXCLUDED names codes that are not shipped: {stale}")
    print(f"\nmap: {len(map_rows)} rows, {len({r['hs6'] for r in map_rows})} codes; "
          f"shipped codes: {len(all_shipped)}, excluded: {len(EXCLUDED)}")
    if failures:
        print(f"\n{len(failures)} problem(s):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
