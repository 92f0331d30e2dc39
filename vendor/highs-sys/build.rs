//! Builds HiGHS from the vendored sources with the `cc` crate: no cmake, no libclang.
//!
//! * What is compiled is `sources.txt` (HiGHS's own CMake source lists, read by
//!   `tools/highs/vendor.py`), with `include_dirs.txt` and a `HConfig.h` filled in here the way
//!   CMake's `configure_file` would for `-DFAST_BUILD=ON` on this target.
//! * HiGHS is always compiled optimised (`-O3 -DNDEBUG`, CMake's Release flags), whatever the
//!   cargo profile: a debug HiGHS would make the planner tests crawl, and it lets every profile
//!   share one build. The archive is kept under `<target dir>/highs-cache/<key>/`, keyed by the
//!   sources, the flags, the compiler and the target, so `cargo clippy`, `cargo test` and
//!   `cargo build --release` compile HiGHS once between them, whichever folder the checkout is
//!   in (the include paths are hashed relative to the HiGHS tree). `OUT_DIR/cache-key.txt`
//!   records what the key was made of. Where the target directory cannot be found from OUT_DIR,
//!   the archive stays in OUT_DIR.

use std::collections::hash_map::DefaultHasher;
use std::env;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bump when the flags or the way the archive is made change, to leave old cache entries behind.
const RECIPE: &str = "highs-sys cc build 1: -O3 -DNDEBUG, c++11, HConfig FAST_BUILD CUPDLP_CPU";

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let highs = manifest.join("HiGHS");
    println!("cargo:rerun-if-changed=sources.txt");
    println!("cargo:rerun-if-changed=include_dirs.txt");
    println!("cargo:rerun-if-changed=HiGHS");

    let sources = read_list(&manifest.join("sources.txt"));
    let include_dirs = read_list(&manifest.join("include_dirs.txt"));
    let config_dir = out_dir.join("include");
    fs::create_dir_all(&config_dir).expect("create OUT_DIR/include");
    let config = hconfig(&highs, &target);
    fs::write(config_dir.join("HConfig.h"), &config).expect("write HConfig.h");

    let (c_files, cpp_files): (Vec<PathBuf>, Vec<PathBuf>) = sources
        .iter()
        .map(|rel| highs.join("highs").join(rel))
        .partition(|path| path.extension().is_some_and(|ext| ext == "c"));

    let configure = |cpp: bool| {
        let mut build = cc::Build::new();
        build
            .cpp(cpp)
            .opt_level(3)
            .debug(false)
            .warnings(false)
            .define("NDEBUG", None)
            .include(&config_dir)
            .cargo_metadata(false);
        for dir in &include_dirs {
            build.include(highs.join(dir));
        }
        if cpp {
            build.std("c++11");
            // CMake adds -mpopcnt wherever the compiler takes it (not on PowerPC, not on Apple).
            if target.starts_with("x86_64") || target.starts_with("i686") {
                build.flag_if_supported("-mpopcnt");
            }
        }
        build
    };
    let cpp_build = configure(true);
    let c_build = configure(false);

    let key = cache_key(&highs, &sources, &config, &cpp_build, &c_build, &target, &out_dir);
    // What the key was made of, for whoever wonders why HiGHS was compiled again.
    let _ = fs::write(
        out_dir.join("cache-key.txt"),
        format!(
            "{key:016x}\n{:?}\n{:?}\n",
            cpp_build.get_compiler().args(),
            c_build.get_compiler().args()
        ),
    );
    let lib_dir = match shared_cache_dir(&out_dir) {
        Some(cache) => {
            let dir = cache.join(format!("{key:016x}"));
            if !dir.join("libhighs.a").is_file() {
                let staging = cache.join(format!("{key:016x}.{}.tmp", std::process::id()));
                compile(cpp_build, c_build, &cpp_files, &c_files, &staging);
                // Another build may have finished first: either archive is the same one.
                if fs::rename(&staging, &dir).is_err() {
                    let _ = fs::remove_dir_all(&staging);
                }
            }
            dir
        }
        None => {
            let dir = out_dir.join("lib");
            compile(cpp_build, c_build, &cpp_files, &c_files, &dir);
            dir
        }
    };

    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=static=highs");
    println!("cargo:rustc-link-lib=static=highs_c");
    if target.contains("apple") {
        println!("cargo:rustc-link-lib=c++");
    } else {
        println!("cargo:rustc-link-lib=stdc++");
    }
    if target.contains("linux") {
        // HighsExternalDeps opens the optional HiPO extras library with dlopen.
        println!("cargo:rustc-link-lib=dl");
    }
    println!("cargo:include={}", config_dir.display());
}

/// Compiles into `dir` the C++ archive `libhighs.a` and the C archive `libhighs_c.a` (basiclu,
/// cuPDLP), then drops the object files: only the archives are linked.
fn compile(mut cpp_build: cc::Build, mut c_build: cc::Build, cpp_files: &[PathBuf], c_files: &[PathBuf], dir: &Path) {
    let objects = dir.join("obj");
    fs::create_dir_all(&objects).expect("create the HiGHS build directory");
    cpp_build.files(cpp_files).out_dir(&objects).compile("highs");
    c_build.files(c_files).out_dir(&objects).compile("highs_c");
    for name in ["libhighs.a", "libhighs_c.a"] {
        fs::rename(objects.join(name), dir.join(name)).expect("move the HiGHS archive");
    }
    let _ = fs::remove_dir_all(&objects);
}

/// The lines of a list file, without comments and blank lines.
fn read_list(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect()
}

/// `HConfig.h` from HiGHS's `HConfig.h.in`, with the values CMake would give it for this build.
fn hconfig(highs: &Path, target: &str) -> String {
    let template_path = highs.join("highs/HConfig.h.in");
    let template = fs::read_to_string(&template_path).unwrap_or_else(|e| panic!("{}: {e}", template_path.display()));
    let version = fs::read_to_string(highs.join("Version.txt")).expect("HiGHS/Version.txt");
    let part = |name: &str| {
        version
            .lines()
            .find_map(|line| line.strip_prefix(&format!("HIGHS_{name}=")))
            .unwrap_or_else(|| panic!("HiGHS/Version.txt has no HIGHS_{name}"))
            .trim()
            .to_string()
    };
    let x86 = target.starts_with("x86_64") || target.starts_with("i686");
    let msvc = target.contains("msvc");
    let defined = |name: &str| match name {
        "FAST_BUILD" | "CUPDLP_CPU" | "HIGHS_SHARED_EXTRAS_LIBRARY" => true,
        "HIGHS_HAVE_MM_PAUSE" => x86,
        "HIGHS_HAVE_BUILTIN_CLZ" => !msvc,
        "HIGHS_HAVE_BITSCAN_REVERSE" => msvc,
        _ => false,
    };
    let mut out = String::new();
    for line in template.lines() {
        let line = line
            .replace("@CMAKE_BUILD_TYPE@", "Release")
            .replace("@GITHASH@", "n/a")
            .replace("@HIGHS_VERSION_MAJOR@", &part("MAJOR"))
            .replace("@HIGHS_VERSION_MINOR@", &part("MINOR"))
            .replace("@HIGHS_VERSION_PATCH@", &part("PATCH"));
        match line.strip_prefix("#cmakedefine ") {
            Some(rest) => {
                let name = rest.split_whitespace().next().unwrap_or_default();
                if name == "CMAKE_BUILD_TYPE" || defined(name) {
                    out.push_str(&format!("#define {rest}\n"));
                } else {
                    out.push_str(&format!("/* #undef {name} */\n"));
                }
            }
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
        assert!(
            !out.contains('@'),
            "HConfig.h.in has a variable this build script does not fill: {line}"
        );
    }
    out
}

/// A key for the compiled archives: every vendored file, the generated config, the compiler
/// and its version, the flags and the target. Any change gives a new key and a fresh build.
fn cache_key(
    highs: &Path,
    sources: &[String],
    config: &str,
    cpp_build: &cc::Build,
    c_build: &cc::Build,
    target: &str,
    out_dir: &Path,
) -> u64 {
    let mut hasher = DefaultHasher::new();
    RECIPE.hash(&mut hasher);
    target.hash(&mut hasher);
    sources.hash(&mut hasher);
    config.hash(&mut hasher);
    for build in [cpp_build, c_build] {
        let compiler = build.get_compiler();
        compiler.path().hash(&mut hasher);
        // The generated HConfig.h lives in this profile's OUT_DIR: its path differs between
        // profiles but its content, hashed above, is what matters. The vendored include
        // directories are hashed relative to the HiGHS tree, so every checkout shares the entry.
        for arg in compiler
            .args()
            .iter()
            .filter(|arg| !Path::new(arg).starts_with(out_dir))
        {
            match Path::new(arg).strip_prefix(highs) {
                Ok(relative) => relative.hash(&mut hasher),
                Err(_) => arg.hash(&mut hasher),
            }
        }
        let version = Command::new(compiler.path()).arg("--version").output();
        if let Ok(output) = version {
            output.stdout.hash(&mut hasher);
        }
    }
    let mut files = Vec::new();
    collect_files(highs, &mut files);
    files.sort();
    for file in files {
        file.strip_prefix(highs).unwrap_or(&file).hash(&mut hasher);
        fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// `<target dir>/highs-cache`, found from OUT_DIR (`<target dir>[/<triple>]/<profile>/build/
/// highs-sys-<hash>/out`), or `None` when OUT_DIR does not have that shape.
fn shared_cache_dir(out_dir: &Path) -> Option<PathBuf> {
    let build = out_dir.parent()?.parent()?;
    if build.file_name()? != "build" {
        return None;
    }
    let cache = build.parent()?.parent()?.join("highs-cache");
    fs::create_dir_all(&cache).ok()?;
    Some(cache)
}
