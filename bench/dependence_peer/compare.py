"""Checks a peer's dependence or trend table against critmin's JSON; exits non-zero, naming the
first differences, when they disagree.

    compare.py dependence|trend CRITMIN.json PEER.json PEER_NAME

Dependence: same (mineral, stage, year) rows; imports in contained tonnes and USD within 1e-9
relative; the same suppliers, each share within 1e-9 relative, the same top supplier (unless
the top two tie within that); HHI within 1e-6. Trend: same rows; world total, top-3 share
within 1e-9 relative; the same country count and top country; HHI within 1e-6.
"""

import json
import sys

kind, ours_path, peer_path, name = sys.argv[1:5]
with open(ours_path) as f:
    ours = {(r["mineral"], r["stage"], r["year"]): r for r in json.load(f)}
with open(peer_path) as f:
    peer = {(r["mineral"], r["stage"], r["year"]): r for r in json.load(f)}

problems = []


def close(a, b, rel=1e-9):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def check(key, field, a, b, absolute=None):
    """`a` and `b` both absent, or within `absolute` (if given) or 1e-9 relative."""
    if a is None or b is None:
        ok = a is None and b is None
    elif absolute is not None:
        ok = abs(a - b) <= absolute
    else:
        ok = close(a, b)
    if not ok:
        problems.append(f"{key} {field}: critmin {a!r}, {name} {b!r}")


if ours.keys() != peer.keys():
    only_ours = sorted(ours.keys() - peer.keys())[:5]
    only_peer = sorted(peer.keys() - ours.keys())[:5]
    problems.append(f"rows differ: only critmin {only_ours}, only {name} {only_peer}")

worst = 0.0
for key in sorted(ours.keys() & peer.keys()):
    a, b = ours[key], peer[key]
    check(key, "hhi", a["hhi"], b["hhi"], absolute=1e-6)
    if kind == "dependence":
        check(key, "imports_t", a["imports_t"], b["imports_t"])
        check(key, "imports_usd", a["imports_usd"], b["imports_usd"])
        sa = {s["country"]: s["share"] for s in a["suppliers"]}
        sb = {s["country"]: s["share"] for s in b["suppliers"]}
        if sa.keys() != sb.keys():
            problems.append(f"{key} suppliers: critmin {sorted(sa)}, {name} {sorted(sb)}")
            continue
        for country in sa:
            check(key, f"share of {country}", sa[country], sb[country])
            worst = max(worst, abs(sa[country] - sb[country]) / max(sa[country], 1e-300))
        if a["suppliers"] and a["suppliers"][0]["country"] != b["suppliers"][0]["country"]:
            top = a["suppliers"][0]
            if not close(top["share"], sb[b["suppliers"][0]["country"]]):
                problems.append(f"{key} top supplier: critmin {top['country']}, {name} {b['suppliers'][0]['country']}")
    else:
        check(key, "world_total", a["world_total"], b["world_total"])
        check(key, "top3_share", a["top3_share"], b["top3_share"])
        if a["n_countries"] != b["n_countries"]:
            problems.append(f"{key} n_countries: critmin {a['n_countries']}, {name} {b['n_countries']}")
        if a["top_country"] != b["top_country"]:
            problems.append(f"{key} top country: critmin {a['top_country']}, {name} {b['top_country']}")
        if a["top3_share"] is not None:
            worst = max(worst, abs(a["top3_share"] - b["top3_share"]) / a["top3_share"])
    if a["hhi"] is not None:
        worst = max(worst, abs(a["hhi"] - b["hhi"]) / max(a["hhi"], 1e-300))

if problems:
    print(f"DISAGREEMENT {kind} critmin vs {name}: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems[:20]:
        print(f"  {p}", file=sys.stderr)
    sys.exit(1)
print(f"agreement with {name} ({kind}): {len(ours)} rows, largest relative share/HHI difference {worst:.1e}")
