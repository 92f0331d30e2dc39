#!/usr/bin/env python3
"""Hand-computed golden figures for the trade tests of issue 15, straight from the shipped rows.

Standard library only; reads data/trade/BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip
and the BACI country table next to it, and prints the figures that
tools/trade/golden_expected.txt holds:

    python3 tools/trade/golden.py > tools/trade/golden_expected.txt

No factor from hs_minerals.csv is applied: quantities are BACI's gross tonnes of traded product
(q) and values BACI's thousand current USD (v). Only a plain sum, a division and a square.
"""

import collections
import csv
import io
import pathlib
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRADE = ROOT / "data" / "trade"
HS92 = TRADE / "BACI_HS92_V202601_critical_minerals_1995_2024.csv.zip"
COUNTRIES = TRADE / "BACI_country_codes_V202601.csv"

IMPORTERS = [(699, "India"), (842, "USA")]
YEARS = [2022, 2023, 2024]
# (label, codes summed)
PRODUCTS = [
    ("250410 natural graphite, powder or flakes", ("250410",)),
    ("284690 rare-earth compounds (excl. cerium)", ("284690",)),
    ("283691 lithium carbonate", ("283691",)),
    ("282200 cobalt oxides and hydroxides", ("282200",)),
    ("282200+810510 cobalt, both codes summed", ("282200", "810510")),
]
HHI_PAIRS = [("250410", 2023), ("250410", 2024), ("284690", 2024), ("282200", 2024), ("283691", 2024)]
TOP = 3


def load():
    with zipfile.ZipFile(HS92) as z:
        (member,) = z.namelist()
        reader = csv.reader(io.TextIOWrapper(z.open(member), encoding="utf-8"))
        header = next(reader)
        assert header == ["t", "i", "j", "k", "v", "q"], header
        rows = [(int(t), int(i), int(j), k, float(v), None if q == "" else float(q)) for t, i, j, k, v, q in reader]
    names = {}
    with open(COUNTRIES, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            names[int(r["country_code"])] = (r["country_iso3"], r["country_name"])
    return rows, names


def label(code, names):
    iso3, name = names.get(code, ("?", "?"))
    return f"{iso3} {name} ({code})"


def ranked(totals):
    """(exporter, amount) largest first; ties by exporter code."""
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def main():
    rows, names = load()
    out = []
    w = out.append
    w("# Golden figures for issue 15, computed by tools/trade/golden.py from the shipped rows of")
    w(f"# data/trade/{HS92.name} (CEPII BACI V202601, HS 1992).")
    w("#")
    w("# Basis: BY VALUE = share of the importer's import value v (thousand current USD) from each")
    w("# exporter. BY QUANTITY = share of the importer's import quantity q (gross metric tonnes of")
    w("# the traded product, NO contained-element factor) from each exporter. Rows whose q is empty")
    w("# are EXCLUDED from both the numerator and the denominator of quantity shares (and kept in")
    w("# value shares); the line 'q missing' counts them and gives their value. Cobalt 282200+810510:")
    w("# rows of both codes summed per exporter, gross tonnes and USD (hs_minerals.csv gives both codes")
    w("# the same factor 0.35 Co, so contained-Co shares equal these gross-tonnage shares).")
    w("# Shares in % of the importer's total, rounded to 2 decimals; largest first, ties by BACI code.")
    w("# Exporter HHI: for one (code, year), each exporter's share of world export value (all")
    w("# importers summed) in %, squared, summed: 10000 = one exporter. Value basis only.")
    w("")

    by_key = collections.defaultdict(list)  # (j, t, k) -> rows
    for r in rows:
        t, i, j, k, v, q = r
        if t in YEARS and j in (699, 842):
            by_key[(j, t, k)].append(r)

    for importer, iname in IMPORTERS:
        w(f"## Importer {iname}: {label(importer, names)}")
        for plabel, codes in PRODUCTS:
            w(f"### {plabel}")
            for year in YEARS:
                sel = [r for k in codes for r in by_key[(importer, year, k)]]
                value = collections.Counter()
                qty = collections.Counter()
                missing_rows = 0
                missing_value = 0.0
                for _t, i, _j, _k, v, q in sel:
                    value[i] += v
                    if q is None:
                        missing_rows += 1
                        missing_value += v
                    else:
                        qty[i] += q
                tv = sum(value.values())
                tq = sum(qty.values())
                w(f"{year}: imports v = {tv:,.3f} kUSD; q = {tq:,.3f} t; rows = {len(sel)}; "
                  f"exporters = {len(value)}; q missing: {missing_rows} row(s), {missing_value:,.3f} kUSD")
                if tv > 0:
                    top = ", ".join(f"{label(e, names)} {100 * x / tv:.2f}%" for e, x in ranked(value)[:TOP])
                    w(f"  by value:    {top}")
                if tq > 0:
                    top = ", ".join(f"{label(e, names)} {100 * x / tq:.2f}%" for e, x in ranked(qty)[:TOP])
                    w(f"  by quantity: {top}")
            w("")

    w("## Exporter HHI by value (world exports of one code in one year)")
    for code, year in HHI_PAIRS:
        value = collections.Counter()
        for t, i, _j, k, v, _q in rows:
            if t == year and k == code:
                value[i] += v
        tv = sum(value.values())
        hhi = sum((100 * x / tv) ** 2 for x in value.values())
        top = ", ".join(f"{label(e, names)} {100 * x / tv:.2f}%" for e, x in ranked(value)[:TOP])
        w(f"{code} {year}: HHI = {hhi:.1f}; world exports v = {tv:,.3f} kUSD; exporters = {len(value)}; top: {top}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
