#!/usr/bin/env python3
"""Writes the first version of data/usgs_commodity_map.csv and data/usgs_country_names.csv from
the two raw USGS releases. Run once; the tables were then reviewed by hand and are the source of
truth (the importer never guesses: a label missing from them is a problem). Kept to show how the
rows were listed; re-running overwrites hand edits."""
import csv, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
R26 = DATA / "raw/usgs_mcs2026/MCS2026_Commodities_Data.csv"
R25 = DATA / "raw/usgs_mcs2025/MCS2025_World_Data.csv"

rows26 = list(csv.reader(open(R26, encoding="cp1252", newline="")))[1:]
rows25 = list(csv.DictReader(open(R25, encoding="utf-8-sig", newline="")))

# (commodity, statistics, detail without the rounded suffix) -> (mineral, stage, unit, note)
STUDY26 = {
    ("Alumina", "Production", "Alumina, refinery production"): ("alumina", "refinery", "kt alumina (calcined equivalent)", ""),
    ("Aluminum", "Production", "Smelter production"): ("aluminum", "smelter", "kt primary aluminum", ""),
    ("Aluminum", "Capacity", "Yearend capacity"): ("aluminum", "smelter_capacity", "kt primary aluminum", "capacity, not output"),
    ("Antimony", "Production", "Mine production"): ("antimony", "mine", "t Sb content", ""),
    ("Antimony", "Reserves", "Reserves"): ("antimony", "reserves", "t Sb content", ""),
    ("Bauxite", "Production", "Bauxite, mine production"): ("bauxite", "mine", "kt bauxite (dry)", ""),
    ("Bauxite", "Reserves", "Bauxite reserves"): ("bauxite", "reserves", "kt bauxite (dry)", ""),
    ("Bismuth", "Production", "Refinery production"): ("bismuth", "refinery", "t Bi (refined)", ""),
    ("Chromium", "Production", "Mine production"): ("chromium", "mine", "kt marketable chromite ore (gross weight)", "chapter header says chromium content; values are marketable chromite ore, gross weight, as in MCS 2025 (South Africa 2024: 22,900 kt)"),
    ("Chromium", "Reserves", "Reserves: Ore"): ("chromium", "reserves", "kt chromite ore (shipping grade)", ""),
    ("Cobalt", "Production", "Mine production"): ("cobalt", "mine", "t Co content", ""),
    ("Cobalt", "Reserves", "Reserves"): ("cobalt", "reserves", "t Co content", ""),
    ("Copper", "Production", "Mine production"): ("copper", "mine", "kt recoverable Cu content", ""),
    ("Copper", "Production", "Refinery production"): ("copper", "refinery", "kt refined Cu", ""),
    ("Copper", "Reserves", "Reserves"): ("copper", "reserves", "kt Cu content", ""),
    ("Gallium", "Production", "Primary production"): ("gallium", "primary_production", "kg Ga (primary, low-purity)", ""),
    ("Gallium", "Capacity", "Production capacity"): ("gallium", "primary_capacity", "kg Ga (primary, low-purity)", "capacity, not output"),
    ("Graphite (Natural)", "Production", "Mine production"): ("graphite_natural", "mine", "t natural graphite", ""),
    ("Graphite (Natural)", "Reserves", "Reserves"): ("graphite_natural", "reserves", "t natural graphite", ""),
    ("Indium", "Production", "Refinery production"): ("indium", "refinery", "t In (refined)", ""),
    ("Lithium", "Production", "Mine production"): ("lithium", "mine", "t Li content", ""),
    ("Lithium", "Reserves", "Reserves"): ("lithium", "reserves", "t Li content", ""),
    ("Manganese", "Production", "Mine production"): ("manganese", "mine", "kt Mn content", "section title: World Mine Production (manganese content) and Reserves"),
    ("Manganese", "Reserves", "Reserves"): ("manganese", "reserves", "kt (USGS MCS manganese reserves; see note)", "chapter header: gross weight"),
    ("Molybdenum", "Production", "Mine production"): ("molybdenum", "mine", "t Mo content", ""),
    ("Molybdenum", "Reserves", "Reserves (thousand metric tons)"): ("molybdenum", "reserves", "kt Mo content", ""),
    ("Nickel", "Production", "Mine production"): ("nickel", "mine", "t Ni content", ""),
    ("Nickel", "Reserves", "Reserves"): ("nickel", "reserves", "t Ni content", ""),
    ("Niobium (Columbium)", "Production", "Mine production"): ("niobium", "mine", "t Nb content", ""),
    ("Niobium (Columbium)", "Reserves", "Reserves"): ("niobium", "reserves", "t Nb content", ""),
    ("Palladium", "Production", "Mine production: Palladium"): ("palladium", "mine", "kg Pd content", ""),
    ("Platinum", "Production", "Mine production: Platinum"): ("platinum", "mine", "kg Pt content", ""),
    ("Platinum-Group Metals", "Reserves", "PGM reserves"): ("pgm", "reserves", "kg PGM content", ""),
    ("Phosphate Rock", "Production", "Mine production"): ("phosphate_rock", "mine", "kt marketable phosphate rock", ""),
    ("Phosphate Rock", "Reserves", "Reserves"): ("phosphate_rock", "reserves", "kt phosphate rock", ""),
    ("Rare Earths", "Production", "Mine production"): ("rare_earths", "mine", "t REO equivalent", ""),
    ("Rare Earths", "Reserves", "Reserves"): ("rare_earths", "reserves", "t REO equivalent", ""),
    ("Silicon", "Production", "Ferrosilicon"): ("silicon_ferrosilicon", "plant", "kt Si content (ferrosilicon)", ""),
    ("Silicon", "Production", "Silicon metal"): ("silicon_metal", "plant", "kt silicon metal", ""),
    ("Tantalum", "Production", "Mine production"): ("tantalum", "mine", "t Ta content", ""),
    ("Tantalum", "Reserves", "Reserves"): ("tantalum", "reserves", "t Ta content", ""),
    ("Tellurium", "Production", "Refinery production"): ("tellurium", "refinery", "t Te content", ""),
    ("Tellurium", "Production", "Refinery production: copper telluride"): ("tellurium", "refinery", "t Te content", "USGS gives this country's figure as copper telluride"),
    ("Tellurium", "Production", "Refinery production: concentrate"): ("tellurium", "refinery", "t Te content", "USGS gives this country's figure as concentrate"),
    ("Selenium", "Production", "Refinery production: crude and anode slimes"): ("selenium", "refinery", "t Se content", "not in minerals.csv yet; USGS gives this country's figure as crude and anode slimes"),
    ("Zirconium", "Reserves", "Zirconium reserves(thousand metric tons, ZrO2 content)"): ("zirconium_concentrates", "reserves", "kt ZrO2 content", "not in minerals.csv yet; reserves in ZrO2 content, production in gross weight of concentrates"),
    ("Tin", "Production", "Mine production"): ("tin", "mine", "t Sn content", ""),
    ("Tin", "Reserves", "Reserves"): ("tin", "reserves", "t Sn content", ""),
    ("Tio2 Pigment", "Capacity", "TiO2 Pigment Capacity"): ("titanium_dioxide_pigment", "pigment_capacity", "t TiO2 pigment", "capacity, not output"),
    ("Titanium Mineral Concentrates", "Production", "Mine production: Ilmenite"): ("titanium_ilmenite", "mine", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Production", "Mine production: ilmenite"): ("titanium_ilmenite", "mine", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Production", "Mine production: Rutile"): ("titanium_rutile", "mine", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Production", "Mine production: rutile"): ("titanium_rutile", "mine", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Production", "Mine production: ilmenite and rutile"): ("titanium_ilmenite_plus_rutile", "mine", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Reserves", "Reserves: Ilmenite"): ("titanium_ilmenite", "reserves", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Reserves", "Reserves: ilmenite"): ("titanium_ilmenite", "reserves", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Reserves", "Reserves: Rutile"): ("titanium_rutile", "reserves", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Reserves", "Reserves: rutile"): ("titanium_rutile", "reserves", "kt TiO2 content", ""),
    ("Titanium Mineral Concentrates", "Reserves", "Reserves: ilmenite and rutile"): ("titanium_ilmenite_plus_rutile", "reserves", "kt TiO2 content", ""),
    ("Titanium Sponge Metal", "Production", "Titanium sponge metal production"): ("titanium_sponge", "sponge", "t Ti sponge", ""),
    ("Titanium Sponge Metal", "Capacity", "Titanium sponge metal Capacity"): ("titanium_sponge", "sponge_capacity", "t Ti sponge", "capacity, not output"),
    ("Tungsten", "Production", "Mine production"): ("tungsten", "mine", "t W content", ""),
    ("Tungsten", "Reserves", "Reserves"): ("tungsten", "reserves", "t W content", ""),
    ("Vanadium", "Production", "Mine production"): ("vanadium", "mine", "t V content", ""),
    ("Vanadium", "Reserves", "Reserves"): ("vanadium", "reserves", "kt V content", "USGS unit says metric tons but the values are thousand metric tons, as in MCS 2025 (world reserves 21,000 against world mine production 110,000 t a year; MCS 2025: 18,000 kt)"),
    ("Zinc", "Production", "Mine production"): ("zinc", "mine", "kt Zn content", ""),
    ("Zinc", "Reserves", "Reserves"): ("zinc", "reserves", "kt Zn content", ""),
}

# Commodities outside minerals.csv whose world table is one plain series: mineral id and unit basis.
OTHER26 = {
    "Arsenic": ("arsenic", "arsenic trioxide, gross weight"), "Asbestos": ("asbestos", ""), "Barite": ("barite", ""),
    "Beryllium": ("beryllium", "Be content"), "Bromine": ("bromine", "Br content"), "Cadmium": ("cadmium", "Cd refined"),
    "Cement": ("cement", ""), "Diamond (Industrial)": ("diamond_industrial", ""), "Fluorspar": ("fluorspar", ""),
    "Garnet (Industrial)": ("garnet_industrial", ""), "Gold": ("gold", "Au content"), "Gypsum": ("gypsum", ""),
    "Helium": ("helium", ""), "Iodine": ("iodine", "elemental iodine"), "Lead": ("lead", "Pb content"),
    "Magnesium Compounds": ("magnesium_compounds", "MgO content"), "Magnesium Metal": ("magnesium", "primary metal"),
    "Mercury": ("mercury", "Hg content"), "Nitrogen (Fixed)—Ammonia": ("nitrogen_ammonia", "N content"), "Peat": ("peat", ""),
    "Perlite": ("perlite", ""), "Potash": ("potash", "K2O equivalent"), "Pumice And Pumicite": ("pumice", ""),
    "Rhenium": ("rhenium", "Re content"), "Salt": ("salt", ""), "Sand And Gravel (Construction)": ("sand_gravel_construction", ""),
    "Sand And Gravel (Industrial)": ("sand_gravel_industrial", ""), "Selenium": ("selenium", "Se content"),
    "Silver": ("silver", "Ag content"), "Stone (Crushed)": ("stone_crushed", ""), "Stone (Dimension)": ("stone_dimension", ""),
    "Strontium": ("strontium", "Sr content"), "Sulfur": ("sulfur", "S content, all forms"), "Vermiculite": ("vermiculite", ""),
    "Wollastonite": ("wollastonite", ""), "Zeolites (Natural)": ("zeolites", ""), "Gemstones": ("gemstones", ""),
    "Zirconium": ("zirconium_concentrates", "gross weight"), "Diatomite": ("diatomite", ""),
    "Feldspar And Nepheline Syenite": ("feldspar_nepheline_syenite", ""), "Talc And Pyrophyllite": ("talc_pyrophyllite", ""),
    "Kyanite And Related Minerals": ("kyanite", ""), "Iron Oxide Pigments": ("iron_oxide_pigments", ""),
    "Mica (Natural)": ("mica", ""), "Soda Ash": ("soda_ash", ""), "Lime": ("lime", ""),
}
# Sub-series with their own id, and product-form details that stay in their commodity's series
# (a country whose figure USGS gives in another form, e.g. Brazil beneficiated feldspar).
DETAIL26 = {
    ("Arsenic", "Production (arsenic trioxide, gross weight)"): ("arsenic", "plant", "t arsenic trioxide (gross weight)"),
    ("Cement", "Cement production"): ("cement", "plant", "kt cement"),
    ("Clays", "Mine production: Bentonite"): ("clays_bentonite", "mine", "kt bentonite"),
    ("Clays", "Mine production: Fuller’s earth"): ("clays_fullers_earth", "mine", "kt fuller's earth"),
    ("Clays", "Mine production: Kaolin"): ("clays_kaolin", "mine", "kt kaolin"),
    ("Iron Ore", "Mine production: Iron content"): ("iron_ore", "mine", "kt Fe content"),
    ("Iron Ore", "Reserves (million metric tons): Iron content"): ("iron_ore", "reserves", "Mt Fe content"),
    ("Iron And Steel", "Pig iron"): ("pig_iron", "smelter", "Mt pig iron"),
    ("Iron And Steel", "Raw steel"): ("raw_steel", "plant", "Mt raw steel"),
    ("Mica (Natural)", "Mica (Scrap and flake): production"): ("mica_scrap_flake", "mine", "t scrap and flake mica"),
    ("Mica (Natural)", "Mica (Sheet): Mine production"): ("mica_sheet", "mine", "t sheet mica"),
    ("Mica (Natural)", "Mica (Scrap and flake): Reserves"): ("mica_scrap_flake", "reserves", "t scrap and flake mica"),
    ("Mica (Natural)", "Mica (Sheet): Reserves"): ("mica_sheet", "reserves", "t sheet mica"),
    ("Soda Ash", "Mine production: Natural"): ("soda_ash_natural", "mine", "kt natural soda ash"),
    ("Soda Ash", "Mine production: natural"): ("soda_ash_natural", "mine", "kt natural soda ash"),
    ("Soda Ash", "Reserves: Natural"): ("soda_ash_natural", "reserves", "kt natural soda ash"),
    ("Soda Ash", "Reserves: natural"): ("soda_ash_natural", "reserves", "kt natural soda ash"),
    ("Magnesium Metal", "Smelter production"): ("magnesium", "smelter", "kt primary magnesium metal"),
    ("Potash", "Reserves: K2O equivalent"): ("potash", "reserves", "kt K2O equivalent"),
    ("Nitrogen (Fixed)—Ammonia", "Plant production"): ("nitrogen_ammonia", "plant", "kt N content"),
}
PLAIN_FORMS = {"Feldspar And Nepheline Syenite", "Talc And Pyrophyllite", "Kyanite And Related Minerals",
               "Iron Oxide Pigments", "Diatomite", "Lime"}
PLAIN_STAGE = {"Mine production": "mine", "Production": "mine", "Refinery production": "refinery",
               "Smelter production": "smelter", "Plant production": "plant", "Reserves": "reserves",
               "Helium Production": "mine", "Helium Reserves": "reserves", "Production, all forms": "mine",
               "Zirconium mineral concentrates, mine production (thousand metric tons, gross weight)": "mine"}
UNIT = {"metric tons": "t", "thousand metric tons": "kt", "kilograms": "kg", "million metric tons": "Mt",
        "thousand metric dry tons": "kt (dry)", "million carats": "million carats", " thousands of carats": "thousand carats",
        "million cubic meters": "million m3", "million liters": "million L", "tons": "t"}
ROUNDED = re.compile(r"(:|,) ?rounded$")

def base(detail):
    return ROUNDED.sub("", detail).strip()

out = []
seen = set()
for x in rows26:
    section, commodity, country, stat, detail, unit = x[1], x[2], x[3], x[4], x[5], x[6]
    if not section.startswith("World"):
        continue
    key = ("MCS2026", commodity, stat, detail, unit)
    if key in seen:
        continue
    seen.add(key)
    b = base(detail)
    hit = STUDY26.get((commodity, stat, b))
    if commodity in PLAIN_FORMS and stat != "Capacity" and b not in PLAIN_STAGE:
        # "Mine production: crude" and the like: one country's figure in another product form.
        form = b.split(":", 1)[1].strip() if ":" in b else b
        b = "Reserves" if stat == "Reserves" else "Mine production"
        formnote = f"USGS gives this country's figure as {form}"
    else:
        formnote = ""
    if (commodity, b) in DETAIL26 and not hit:
        mineral, stage, cunit = DETAIL26[(commodity, b)]
        note = "not in minerals.csv yet"
    elif hit:
        mineral, stage, cunit, note = hit
    elif commodity in OTHER26 and b in PLAIN_STAGE:
        mineral, basis = OTHER26[commodity]
        stage = PLAIN_STAGE[b]
        cunit = (UNIT[unit] + (" " + basis if basis else "")).strip()
        note = "not in minerals.csv yet" + (f"; {formnote}" if formnote else "")
    else:
        mineral, stage, cunit = "", "", ""
        if stat == "Capacity":
            note = "capacity without a capacity stage in stages.csv"
        elif commodity in ("Cesium", "Rubidium", "Scandium", "Iron And Steel Slag", "Yttrium"):
            note = "a sentence or a range in the release, not a country series"
        elif commodity == "Chromium":
            note = "second basis (Cr2O3 content) of the ore reserves series; one unit per series"
        elif commodity == "Boron":
            note = "each country in its own product form (ulexite, crude ore, boric oxide, ...); world total XX; not one comparable series"
        elif commodity in ("Neon", "Krypton", "Xenon"):
            note = "rare gases: a few countries only, no world total"
        elif commodity == "Soda Ash":
            note = "synthetic soda ash is a chemical product, and natural plus synthetic is a total of two series"
        elif commodity == "Iron Ore" or commodity == "Potash":
            note = "second basis of a series imported on its content basis; one unit per series"
        else:
            note = "per-country product forms or a sub-series; not one comparable series"
    out.append(["MCS2026", commodity, stat, detail, "", unit, mineral, stage, cunit, note])

# MCS 2025 World Data: statistic = the column group read (production: PROD_2023 and PROD_EST_ 2024,
# capacity: CAP_2023 and CAP_EST_ 2024, reserves: RESERVES_2024).
STUDY25 = {}
import collections
for f, stat in (("production", None), ("reserves", "reserves"), ("refining", None)):
    for r in csv.DictReader(open(DATA / f"{f}.csv")):
        m = re.match(r"USGS-MCS2025 World Data \(COMMODITY='(.*)'; TYPE='(.*)'\)", r["source"])
        if m:
            s = "capacity" if r["stage"].endswith("capacity") else "production"
            if r["mineral"] != "titanium_ilmenite_plus_rutile":
                STUDY25.setdefault((m.group(1), s, m.group(2)), (r["mineral"], r["stage"], r["unit"]))
        m = re.match(r"USGS-MCS2025 World Data \(COMMODITY='(.*)'; column RESERVES_2024\)", r["source"])
        if m:
            STUDY25.setdefault((m.group(1), "reserves"), (r["mineral"], r["stage"], r["unit"]))
seen = set()
for r in rows25:
    commodity, typ, unit = r["COMMODITY"].strip(), r["TYPE"].strip(), r["UNIT_MEAS"].strip()
    for stat, cols in (("production", ("PROD_2023", "PROD_EST_ 2024", "PROD_NOTES")), ("capacity", ("CAP_2023", "CAP_EST_ 2024", "CAP_NOTES")), ("reserves", ("RESERVES_2024", "RESERVE_NOTES"))):
        key = (commodity, stat, typ, unit)
        if key in seen:
            continue
        if not any(r[c].strip() for c in cols) and stat != "production":
            continue
        seen.add(key)
        note = ""
        if stat == "reserves":
            # Reserves sit on the production rows: the series is the mined one of that row.
            mined = STUDY25.get((commodity, "production", typ))
            hit = None
            if mined and mined[1] in ("mine", "refinery") and (commodity, "reserves") in STUDY25:
                rid, _, runit = STUDY25[(commodity, "reserves")]
                if commodity == "Platinum-Group metals":
                    hit = ("pgm", "reserves", runit) if "Palladium" in typ else None
                    note = "" if hit else "PGM reserves are given on the palladium rows (all PGMs)"
                elif commodity == "Titanium Mineral Concentrates":
                    hit = (mined[0], "reserves", runit)
                else:
                    hit = (rid, "reserves", runit)
        else:
            hit = STUDY25.get((commodity, stat, typ))
        if hit:
            mineral, stage, cunit = hit
        elif not note:
            mineral, stage, cunit = "", "", ""
            note = "not compiled into the 2025 tables (mineral not in minerals.csv, or no stage)"
        else:
            mineral, stage, cunit = "", "", ""
        out.append(["MCS2025", commodity, stat, typ, "", unit, mineral, stage, cunit, note])

# The world total of ilmenite and rutile sits on an ilmenite row in MCS 2025: a country-specific entry.
for stat, stage in (("production", "mine"), ("reserves", "reserves")):
    out.append(["MCS2025", "Titanium Mineral Concentrates", stat,
                "Mine production, ilmentite, titanium dioxide (TiO2) content", "World total (ilmenite and rutile, rounded)",
                "metric tons", "titanium_ilmenite_plus_rutile", stage, "kt TiO2 content", "see the unit note of the ilmenite rows"])
for row in out:
    if row[0] == "MCS2025" and row[1] == "Titanium Mineral Concentrates" and row[6]:
        row[9] = "USGS unit says metric tons; the values are thousand metric tons TiO2 (salient file column USprod_kt = 100 for the US; Australia JORC reserves 43 million tons against a listed 180000)"
with open(DATA / "usgs_commodity_map.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["release", "commodity", "statistic", "detail", "country", "usgs_unit", "mineral", "stage", "unit", "note"])
    w.writerows(out)
print(len(out), "map rows")

# Country labels that are not a countries.csv name as written (after trimming and with no-break
# spaces read as spaces): each with its ISO3 code, or none when the row is not one country.
SPECIAL = {
    "Burma": "MMR", "Congo (Kinshasa)": "COD", "Côte d’Ivoire": "CIV", "Korea, North": "PRK",
    "Korea, Republic of": "KOR", "Russia": "RUS", "Turkey": "TUR", "The Bahamas": "BHS",
    "Other Countries": "ROW", "Other countries": "ROW", "Other countries (rounded)": "ROW",
    "Other countries (includes crude)": "ROW",
}
names = {x[3] for x in rows26} | {r["COUNTRY"] for r in rows25}
known = {r["name"].lower() for r in csv.DictReader(open(DATA / "countries.csv"))}
by_name = {r["name"].lower(): r["iso3"] for r in csv.DictReader(open(DATA / "countries.csv"))}
out = []
for n in sorted({" ".join(n.replace("\xa0", " ").split()) for n in names}):
    if n.lower() in known:
        continue
    if n in SPECIAL:
        out.append([n, SPECIAL[n], ""])
    elif n.startswith("World total"):
        out.append([n, "WLD", "world total as published"])
    elif not n.endswith(")") and (" and " in n or "," in n):
        out.append([n, "", "several countries combined by USGS; not one supplier"])
    else:
        m = re.match(r"^(.*?) \((.*)\)$", n)
        head = m.group(1) if m else n
        iso = SPECIAL.get(head) or by_name.get(head.lower(), "")
        out.append([n, iso, f"product form named by USGS: {m.group(2)}" if m else "no ISO code"])
with open(DATA / "usgs_country_names.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["usgs_name", "iso3", "note"])
    w.writerows(out)
print(len(out), "country names")

# US net import reliance (MCS 2026 salient statistics): (commodity, Statistics_detail) -> the
# mineral id of import_reliance.csv (the ids used there for MCS 2025 where they exist).
RELIANCE_IDS = {
    ("Abrasives (Manufactured)", "Fused aluminum oxide"): "abrasives_fused_alumina",
    ("Abrasives (Manufactured)", "Silicon carbide"): "abrasives_silicon_carbide",
    ("Abrasives (Manufactured)", "Metallic abrasives"): "abrasives_metallic",
    ("Diamond (Bort, grit, and dust and powder; natural and synthetic)", ""): "diamond_industrial_bort",
    ("Diamond (Stones, natural and synthetic)", ""): "diamond_industrial_stones",
    ("Graphite (Natural)", ""): "graphite_natural", ("Magnesium Metal", ""): "magnesium_metal",
    ("Niobium (Columbium)", ""): "niobium", ("Nitrogen (Fixed)—Ammonia", ""): "nitrogen_ammonia",
    ("Rare Earths", "Compounds and metals"): "rare_earths", ("Rare Earths", "Mineral concentrates"): "rare_earths_concentrate",
    ("Rare Earths (Heavy)", ""): "rare_earths_heavy",
    ("Silicon", "Ferrosilicon, all grades"): "silicon_ferrosilicon", ("Silicon", "Silicon metal"): "silicon_metal",
    ("Silicon", "Total"): "silicon", ("TiO2 pigment", ""): "titanium_dioxide_pigment",
    ("Titanium Mineral Concentrates", ""): "titanium_mineral_concentrates", ("Titanium sponge metal", ""): "titanium_sponge",
    ("Zinc", "Ores and concentrates"): "zinc_ores_concentrates", ("Zinc", "Refined zinc"): "zinc",
    ("Zirconium", "Zirconium ores and concentrates"): "zirconium", ("Granite Only", ""): "stone_dimension_granite",
    ("Iron And Steel", ""): "iron_and_steel", ("Iron And Steel Scrap", ""): "iron_and_steel_scrap",
    ("Iron And Steel Slag", ""): "iron_and_steel_slag", ("Sand And Gravel (Construction)", ""): "sand_gravel_construction",
    ("Sand And Gravel (Industrial)", ""): "sand_gravel_industrial", ("Pumice And Pumicite", ""): "pumice",
    ("Kyanite And Related Minerals", ""): "kyanite", ("Talc And Pyrophyllite", ""): "talc_pyrophyllite",
    ("Zeolites (Natural)", ""): "zeolites", ("Garnet (Industrial)", ""): "garnet_industrial",
    ("Ground high-purity quartz", ""): "quartz_high_purity_ground", ("Industrial cultured quartz crystal", ""): "quartz_cultured_crystal",
    ("Mica (Natural)", ""): None,
}
out = []
seen = set()
for x in rows26:
    if x[4] != "Net import reliance":
        continue
    commodity, detail = x[2], x[5]
    key = (commodity, detail)
    if key in seen:
        continue
    seen.add(key)
    product = detail.split(":", 1)[1].strip() if ":" in detail else ""
    mid = RELIANCE_IDS.get((commodity, product), RELIANCE_IDS.get((commodity, ""), "missing"))
    note = ""
    if mid == "missing":
        mid = re.sub(r"[^a-z0-9]+", "_", commodity.lower()).strip("_")
    if mid is None:
        note = "two rows a year (scrap and flake, sheet) with one label: not told apart in the release"
        mid = ""
    if detail.startswith("The United"):
        note = "a sentence for 2025 only: " + " ".join(detail.replace("\xa0", " ").split())
    out.append(["MCS2026", commodity, " ".join(detail.replace("\xa0", " ").split()), mid, note])
with open(DATA / "usgs_reliance_map.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["release", "commodity", "detail", "mineral", "note"])
    w.writerows(out)
print(len(out), "reliance labels")

# MCS 2025: Fig. 2 labels and the NIR columns of the salient files, with the ids the compiled
# import_reliance.csv uses for them.
emb = [r for r in csv.DictReader(open(DATA / "import_reliance.csv")) if r["country_iso3"] == "USA"]
extra = []
seen = set()
for r in emb:
    m = re.search(r"USGS commodity label '([^']*)'", r["note"])
    if "Fig. 2" in r["source"] and m:
        key = (m.group(1).strip(), "Net_Import_Reliance_pct_2024")
    else:
        m = re.search(r"\((mcs2025-[a-z]+_salient\.csv), column ([^)]*)\)", r["source"])
        if not m:
            continue
        key = (m.group(1), m.group(2))
    if key not in seen:
        seen.add(key)
        extra.append(["MCS2025", key[0], key[1], r["mineral"], ""])
with open(DATA / "usgs_reliance_map.csv", "a", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(extra)
print(len(extra), "MCS 2025 reliance labels")
