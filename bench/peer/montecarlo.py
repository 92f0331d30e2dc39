"""numpy peer of critmin's Monte Carlo propagation step (bench/montecarlo).

Reads the network, the per-scenario draws and critmin's consumer shortfalls exported by
`critmin risk --export-bench DIR`, recomputes every scenario with a straightforward numpy
implementation of the same rule (proportional trade allocation with reserves, stage by
stage, re-sourcing to a fixed point), checks the shortfalls agree, and times it.

    python bench/peer/montecarlo.py DIR [REPEAT]   -> JSON {max_rel_diff, scenarios, seconds (best pass)}
"""
import json
import sys
import time

import numpy as np


def load(path):
    d = json.load(open(path))
    keys = ("node_layer", "node_source", "edge_from", "edge_to", "edge_tonnes", "stock", "headroom")
    net = {k: np.asarray(d[k]) for k in keys}
    net["layers"] = d["layers"]
    net["consumers"] = np.asarray(d["consumers"], dtype=np.int64)
    net["tolerance"] = d["tolerance"]
    net["max_iterations"] = d["max_iterations"]
    countries = np.asarray(d["node_country"])
    net["edge_foreign"] = countries[net["edge_from"]] != countries[net["edge_to"]]
    n = len(net["node_layer"])
    net["n"] = n
    net["base_out"] = np.bincount(net["edge_from"], weights=net["edge_tonnes"], minlength=n)
    net["base_in"] = np.bincount(net["edge_to"], weights=net["edge_tonnes"], minlength=n)
    layer_of_edge = net["node_layer"][net["edge_from"]]
    net["layer_edges"] = [np.nonzero(layer_of_edge == l)[0] for l in range(net["layers"] - 1)]
    net["layer_nodes"] = [np.nonzero(net["node_layer"] == l)[0] for l in range(net["layers"])]
    return net, np.asarray(d["cut"]), np.asarray(d["ban"]), np.asarray(d["shortfall"])


def propagate(net, cut_draw, ban_draw):
    n = net["n"]
    src = net["node_source"]
    has_src = src >= 0
    cut = np.where(has_src, cut_draw[np.maximum(src, 0)], 0.0)
    from_src = src[net["edge_from"]]
    allowed = np.where(net["edge_foreign"] & (from_src >= 0), 1.0 - ban_draw[np.maximum(from_src, 0)], 1.0)
    received = np.zeros(n)
    drawn = np.zeros(n)
    short = np.zeros(n)
    stranded = np.zeros(n)
    base_in, base_out = net["base_in"], net["base_out"]
    for l in range(net["layers"] - 1):
        e = net["layer_edges"][l]
        sup = net["layer_nodes"][l]
        buyers = net["layer_nodes"][l + 1]
        ef, et, t, al = net["edge_from"][e], net["edge_to"][e], net["edge_tonnes"][e], allowed[e]
        need = base_in[sup]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(need > 0, np.minimum((received[sup] + drawn[sup]) / need, 1.0), 1.0)
        avail = np.zeros(n)
        avail[sup] = base_out[sup] * np.minimum(1.0 - np.clip(cut[sup], 0, 1), ratio)
        offered = np.bincount(ef, weights=t * al, minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(offered > avail, avail / offered, 1.0)
        flow = t * al * scale[ef]
        received += np.bincount(et, weights=flow, minlength=n)
        stranded = avail - np.bincount(ef, weights=flow, minlength=n)
        # Spare for re-sourcing: unsold supply plus the mines' headroom.
        stranded = stranded + net["headroom"] * (1.0 - np.clip(cut, 0, 1)) * (net["node_layer"] == l)
        threshold = net["tolerance"] * t.sum()
        unrestricted = al >= 1.0
        it = 0
        while it < net["max_iterations"]:
            gap = base_in - received
            elig = unrestricted & (stranded[ef] > threshold) & (gap[et] > threshold)
            weight = np.bincount(et, weights=t * elig, minlength=n)
            elig &= weight[et] > 0
            if not elig.any():
                break
            it += 1
            q = np.where(elig, gap[et] * t / np.where(weight[et] > 0, weight[et], 1.0), 0.0)
            asked = np.bincount(ef, weights=q, minlength=n)
            with np.errstate(divide="ignore", invalid="ignore"):
                grant = np.where(asked > stranded, stranded / asked, 1.0)
            add = q * grant[ef]
            flow += add
            received += np.bincount(et, weights=add, minlength=n)
            stranded = np.maximum(stranded - np.minimum(asked, stranded), 0.0)
            if add.sum() <= threshold:
                break
        gap = np.maximum(base_in[buyers] - received[buyers], 0.0)
        drawn[buyers] = np.minimum(gap, net["stock"][buyers])
        short[buyers] = gap - drawn[buyers]
    return short[net["consumers"]]


def main():
    net, cuts, bans, expected = load(sys.argv[1] + "/montecarlo.json")
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    worst = 0.0
    scale = max(net["base_in"][net["consumers"]].max(), 1e-300)
    for i in range(len(cuts)):
        got = propagate(net, cuts[i], bans[i])
        worst = max(worst, float(np.max(np.abs(got - expected[i]))) / scale)
    # Best of `repeat` passes over the exported scenarios (the machine may be shared).
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(len(cuts)):
            propagate(net, cuts[i], bans[i])
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"max_rel_diff": worst, "scenarios": len(cuts), "seconds": best}))


if __name__ == "__main__":
    main()
