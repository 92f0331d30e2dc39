"""flodym peer of critmin's stock model: the same inflow (101 years x 4,000 dimensions,
normal lifetime mean 12 / sd 4, inflow in the middle of the year), checked equal to critmin's
stock and outflow, then timed. Usage: stock_flodym.py DIR RUNS; prints best seconds."""
import sys
import time

import numpy as np
import flodym as fd

d, runs = sys.argv[1], int(sys.argv[2])
years, dims = 101, 4000
inflow = np.fromfile(f"{d}/inflow.f64", dtype="<f8").reshape(dims, years).T.copy()  # (t, r)
ours_stock = np.fromfile(f"{d}/stock.f64", dtype="<f8").reshape(dims, years).T
ours_outflow = np.fromfile(f"{d}/outflow.f64", dtype="<f8").reshape(dims, years).T

dimset = fd.DimensionSet(
    dim_list=[
        fd.Dimension(name="Time", letter="t", items=list(range(2000, 2000 + years))),
        fd.Dimension(name="Region", letter="r", items=[f"r{i}" for i in range(dims)]),
    ]
)


def run():
    lifetime = fd.NormalLifetime(
        dims=dimset,
        mean=fd.FlodymArray(dims=dimset["r",], values=np.full(dims, 12.0)),
        std=fd.FlodymArray(dims=dimset["r",], values=np.full(dims, 4.0)),
        inflow_at="middle",
    )
    dsm = fd.InflowDrivenDSM(dims=dimset, lifetime_model=lifetime)
    dsm.inflow[...] = fd.FlodymArray(dims=dimset, values=inflow)
    dsm.compute()
    return dsm.stock.values, dsm.outflow.values


stock, outflow = run()
worst = max(
    float(np.max(np.abs(stock - ours_stock) / (1.0 + np.abs(ours_stock)))),
    float(np.max(np.abs(outflow - ours_outflow) / (1.0 + np.abs(ours_outflow)))),
)
print(f"agreement: {dims} dimensions x {years} years, largest relative difference {worst:.2e}", file=sys.stderr)
assert worst < 1e-9, worst
best = float("inf")
for _ in range(runs):
    t = time.perf_counter()
    run()
    best = min(best, time.perf_counter() - t)
print(f"{best:.6f}")
