"""HiGHS from Python (highspy) on the MPS file critmin wrote: solve to a 1 % relative gap.
Usage: highs_mps.py FILE.mps; prints `seconds objective gap`."""
import sys
import time

import highspy

h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", 0.01)
h.setOptionValue("time_limit", 300.0)
status = h.readModel(sys.argv[1])
assert status == highspy.HighsStatus.kOk, status
t = time.perf_counter()
h.run()
seconds = time.perf_counter() - t
info = h.getInfo()
print(f"{seconds:.6f} {info.objective_function_value:.6f} {info.mip_gap:.6f}")
