#!/usr/bin/env python3
"""Vendor HiGHS into vendor/highs-sys: the C++ sources the library build compiles, every header,
the licence, and the list of sources build.rs compiles.

    tools/highs/vendor.py HIGHS_DIR      # a HiGHS source tree (a release tarball or checkout)
    tools/highs/vendor.py                # the HiGHS tree inside the highs-sys crate in ~/.cargo

Run it on each HiGHS upgrade, then tools/highs/bindings.sh to regenerate the committed bindings,
then bump `version` in vendor/highs-sys/Cargo.toml to the highs-sys release it replaces.

Why a source list and not a glob: HiGHS's own CMake build (cmake/sources.cmake) is the authority
on what libhighs contains; the Bazel glob also compiles files CMake leaves out. We read the same
lists CMake reads, so our library is the one `cmake -DFAST_BUILD=ON` would have built.
"""
import glob
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEST = ROOT / "vendor" / "highs-sys" / "HiGHS"
# The lists highs/CMakeLists.txt joins into `sources` for libhighs (HIPO off, CPU PDLP).
LISTS = [
    "highs_sources",
    "cupdlp_sources",
    "ipx_sources",
    "basiclu_sources",
    "hipo_sources",
    "factor_highs_sources",
    "hipo_util_sources",
]
HEADER_SUFFIXES = {".h", ".hpp", ".hh"}
# Test framework and the command-line parser of the highs executable: not part of the library.
EXTERN_SKIP = {"catch", "cli11"}
TOP_FILES = ["LICENSE.txt", "THIRD_PARTY_NOTICES.md", "Version.txt", "AUTHORS"]


def default_source() -> Path:
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    found = sorted(glob.glob(str(home / "registry" / "src" / "*" / "highs-sys-*" / "HiGHS")))
    if not found:
        sys.exit("no HiGHS tree given and no highs-sys crate in the cargo registry; "
                 "pass the path of a HiGHS source tree")
    return Path(found[-1])


def cmake_lists(sources_cmake: Path) -> list[str]:
    text = sources_cmake.read_text()
    files: list[str] = []
    for name in LISTS:
        match = re.search(r"set\(\s*" + name + r"\b(.*?)\)", text, re.S)
        if not match:
            sys.exit(f"{sources_cmake}: list {name} not found; the CMake layout changed, update LISTS")
        files += match.group(1).split()
    return files


def cmake_include_dirs(sources_cmake: Path) -> list[str]:
    """The `include_dirs` list, as paths under the HiGHS tree (the binary dir, which holds the
    generated HConfig.h, is build.rs's OUT_DIR and is left out)."""
    text = sources_cmake.read_text()
    match = re.search(r"set\(\s*include_dirs\b(.*?)\)\s*\n", text, re.S)
    if not match:
        sys.exit(f"{sources_cmake}: list include_dirs not found; the CMake layout changed")
    dirs = re.findall(r"\$\{PROJECT_SOURCE_DIR\}/([^>]+)>", match.group(1))
    if not dirs:
        sys.exit(f"{sources_cmake}: include_dirs has no PROJECT_SOURCE_DIR entries")
    return dirs


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else default_source()
    if not (src / "highs" / "Highs.h").is_file():
        sys.exit(f"{src}: not a HiGHS source tree (highs/Highs.h missing)")
    sources = cmake_lists(src / "cmake" / "sources.cmake")
    missing = [f for f in sources if not (src / "highs" / f).is_file()]
    if missing:
        sys.exit(f"sources named by cmake/sources.cmake but absent: {missing}")

    if DEST.exists():
        shutil.rmtree(DEST)
    for name in TOP_FILES:
        if (src / name).is_file():
            (DEST).mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, DEST / name)
    for path in sorted((src / "highs").rglob("*")):
        rel = path.relative_to(src)
        keep = path.is_file() and (
            path.suffix in HEADER_SUFFIXES or str(path.relative_to(src / "highs")) in sources
            # The template build.rs fills in place of CMake's configure_file.
            or path.name == "HConfig.h.in"
        )
        if keep:
            (DEST / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, DEST / rel)
    for path in sorted((src / "extern").rglob("*")):
        rel = path.relative_to(src / "extern")
        if path.is_file() and rel.parts[0] not in EXTERN_SKIP and rel.suffix in HEADER_SUFFIXES:
            (DEST / "extern" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, DEST / "extern" / rel)

    listing = ROOT / "vendor" / "highs-sys" / "sources.txt"
    listing.write_text(
        "# Written by tools/highs/vendor.py from HiGHS's cmake/sources.cmake; paths under HiGHS/highs.\n"
        + "\n".join(sources) + "\n"
    )
    includes = ROOT / "vendor" / "highs-sys" / "include_dirs.txt"
    includes.write_text(
        "# Written by tools/highs/vendor.py from HiGHS's cmake/sources.cmake; paths under HiGHS.\n"
        + "\n".join(cmake_include_dirs(src / "cmake" / "sources.cmake")) + "\n"
    )
    version = (src / "Version.txt").read_text().split()
    print(f"vendored HiGHS {' '.join(version)} from {src}: {len(sources)} sources")


if __name__ == "__main__":
    main()
