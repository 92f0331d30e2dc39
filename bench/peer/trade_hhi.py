"""Peers for `critmin trade hhi`: exporter HHI per (year, product) from a BACI-format CSV, the
way an analyst would do it with polars or DuckDB.

    trade_hhi.py ENGINE SOURCE OUT

ENGINE is `polars` or `duckdb`; SOURCE is the BACI CSV, a parquet file (the peers' own
"cache": `prepare` writes it) or, for DuckDB, a database file holding the table `baci`. OUT
receives the result as CSV `t,k,hhi` sorted by (t, k). Prints the seconds spent loading and
computing (interpreter start-up excluded) as JSON on stdout.

HHI = 10,000 · Σ_i (x_i / X)² with x_i = Σ v over the exporter's rows of the (t, k) group and
X = Σ_i x_i — the same formula as critmin (crates/critmin-trade/src/hhi.rs).

    trade_hhi.py prepare CSV PARQUET DUCKDB   # the peers' cached forms, built once
"""

import json
import sys
import time

mode = sys.argv[1]

if mode == "prepare":
    import duckdb

    csv, parquet, database = sys.argv[2:5]
    con = duckdb.connect(database)
    con.execute("DROP TABLE IF EXISTS baci")
    con.execute(
        f"CREATE TABLE baci AS SELECT * FROM read_csv('{csv}', header=true, nullstr='NA', "
        "columns={'t':'SMALLINT','i':'SMALLINT','j':'SMALLINT','k':'VARCHAR','v':'DOUBLE','q':'DOUBLE'})"
    )
    con.execute(f"COPY baci TO '{parquet}' (FORMAT parquet)")
    con.close()
    sys.exit(0)

source, out = sys.argv[2], sys.argv[3]
started = time.perf_counter()

if mode == "polars":
    import polars as pl

    if source.endswith(".parquet"):
        df = pl.read_parquet(source, columns=["t", "i", "k", "v"])
    else:
        df = pl.read_csv(
            source,
            schema_overrides={"t": pl.Int16, "i": pl.Int16, "j": pl.Int16, "k": pl.Utf8, "v": pl.Float64, "q": pl.Float64},
            null_values=["NA"],
            columns=["t", "i", "k", "v"],
        )
    loaded = time.perf_counter()
    per_exporter = df.group_by(["t", "k", "i"]).agg(pl.col("v").sum().alias("x"))
    result = (
        per_exporter.group_by(["t", "k"])
        .agg(((pl.col("x") ** 2).sum() / pl.col("x").sum() ** 2 * 10_000).alias("hhi"))
        .sort(["t", "k"])
    )
    result.write_csv(out)
elif mode == "duckdb":
    import duckdb

    if source.endswith(".duckdb"):
        con = duckdb.connect(source, read_only=True)
        table = "baci"
    else:
        con = duckdb.connect()
        if source.endswith(".parquet"):
            table = f"read_parquet('{source}')"
        else:
            table = (
                f"read_csv('{source}', header=true, nullstr='NA', "
                "columns={'t':'SMALLINT','i':'SMALLINT','j':'SMALLINT','k':'VARCHAR','v':'DOUBLE','q':'DOUBLE'})"
            )
    loaded = time.perf_counter()
    con.execute(
        f"""COPY (
            WITH e AS (SELECT t, k, i, SUM(v) AS x FROM {table} GROUP BY t, k, i)
            SELECT t, k, 10000 * SUM(x * x) / (SUM(x) * SUM(x)) AS hhi FROM e GROUP BY t, k ORDER BY t, k
        ) TO '{out}' (HEADER, DELIMITER ',')"""
    )
else:
    sys.exit(f"unknown engine {mode}")

done = time.perf_counter()
print(json.dumps({"load_s": loaded - started, "hhi_s": done - loaded, "total_s": done - started}))
