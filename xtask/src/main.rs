//! The project's chores, in plain Rust (run with `cargo xtask <command>`):
//!
//! - `serve`: install whatever is missing, then `trunk serve`;
//! - `test`: install whatever is missing, then run every check and test:
//!   rustfmt, clippy, native tests, a release build, browser tests;
//! - `bench-web`: the in-browser benchmark (frame interval, training steps
//!   per second, download size);
//! - `sweep [--quick]`: every combination of the controls, trained natively
//!   (`tests/sweep.rs`; the quick sample also runs in `test`);
//! - `fuzz [--seconds N]`: coverage-guided fuzzing (cargo-fuzz, nightly) of
//!   the link parser and of loading a run file (`fuzz/`);
//! - `soak [--minutes N]`: trains in headless Chromium for N minutes at the
//!   defaults and N with the heaviest model, watching memory, DOM and frames
//!   (`e2e/soak.mjs`; a short form runs in the browser tests);
//! - `setup`: only the installs.
//!
//! Installs are skipped when the tool is already there at the right version:
//! on a fresh machine trunk and wasm-bindgen-cli take ~20 minutes to compile.
//! Nothing is downloaded from outside the package registries (see
//! `Trunk.toml` for how trunk is kept offline).

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// trunk 0.22 needs a newer rustc than this project's toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from npm's binaryen (Debian's 108 breaks the page at runtime).
const BINARYEN_VERSION: &str = "132.0.0";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Where Debian's fonts-noto-cjk puts the Simplified Chinese sans face.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r.to_vec()),
        None => ("help", Vec::new()),
    };
    let root = project_root();
    if let Err(e) = env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let result = match cmd {
        "serve" => serve(&rest),
        "test" => test(),
        "bench-web" => bench_web(),
        "sweep" => sweep(&rest),
        "fuzz" => fuzz(&rest),
        "soak" => soak(&rest),
        "setup" => setup(Needs::Everything),
        "help" | "-h" | "--help" => {
            print_help();
            Ok(())
        }
        other => Err(format!("unknown command {other:?} (try `cargo xtask help`)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {cmd}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         \x20 serve [trunk args]  install what is missing, then `trunk serve` (http://127.0.0.1:8080)\n\
         \x20 test                install what is missing, then fmt, clippy, native tests,\n\
         \x20                     `trunk build --release` and the browser tests\n\
         \x20 bench-web           frame interval, wasm training steps/s and gzip size in headless Chromium\n\
         \x20 sweep [--quick]     every control combination trained natively (--quick: a seeded sample)\n\
         \x20 fuzz [--seconds N]  fuzz the link parser and the run-file reader, N s each (default 60; nightly)\n\
         \x20 soak [--minutes N]  train N min at the defaults, N with the heaviest model (default 30):\n\
         \x20                     wasm memory, JS heap, DOM and frame interval each minute\n\
         \x20 setup               only install what is missing"
    );
}

type Result<T = (), E = String> = std::result::Result<T, E>;

/// The workspace root: the nearest folder up from the current one that holds
/// `xtask/Cargo.toml` (as `cargo xtask` runs from anywhere inside the
/// project), else the parent of this crate's folder.
fn project_root() -> PathBuf {
    let here = env::current_dir().ok();
    here.iter()
        .flat_map(|d| d.ancestors())
        .find(|d| d.join("xtask/Cargo.toml").is_file() && d.join("Trunk.toml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("xtask lives in the workspace")
                .to_path_buf()
        })
}

fn serve(extra: &[String]) -> Result {
    setup(Needs::Build)?;
    header("trunk serve (Ctrl-C to stop)");
    let mut args = vec!["serve".to_string(), "--locked".to_string()];
    args.extend(extra.iter().cloned());
    run(Command::new("trunk").args(&args))
}

fn test() -> Result {
    let start = Instant::now();
    setup(Needs::Everything)?;
    let steps: &[(&str, &[&str])] = &[
        ("cargo fmt --check", &["cargo", "fmt", "--all", "--check"]),
        (
            "cargo clippy (native, all targets, warnings are errors)",
            &[
                "cargo",
                "clippy",
                "--locked",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        (
            "cargo test --workspace (engine, app logic, the quick control sweep; native)",
            &["cargo", "test", "--locked", "--workspace"],
        ),
        (
            "trunk build --release → dist/",
            &["trunk", "build", "--release", "--locked"],
        ),
    ];
    let total = steps.len() + 1;
    for (i, (title, cmd)) in steps.iter().enumerate() {
        header(&format!("[{}/{total}] {title}", i + 1));
        run(Command::new(cmd[0]).args(&cmd[1..]))?;
    }
    header(&format!(
        "[{total}/{total}] browser tests (headless Chromium, e2e/)"
    ));
    run(Command::new("npm").args(["test"]).current_dir("e2e"))?;
    header(&format!(
        "all tests passed in {:.0} s",
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}

fn bench_web() -> Result {
    setup(Needs::Everything)?;
    header("trunk build --release → dist/");
    run(Command::new("trunk").args(["build", "--release", "--locked"]))?;
    header("browser benchmark (e2e/bench.mjs)");
    run(Command::new("node").arg("bench.mjs").current_dir("e2e"))
}

/// The sweep is a test of the app crate (it builds experiments as the page
/// does); the full one is ignored by default, so `cargo test` runs only
/// the quick sample. In the test profile, not `--release`: the workspace
/// builds the engine, nalgebra and matrixmultiply at opt-level 2 there,
/// while release builds the engine at "z" for the download's size, which
/// swept slower (the quick sample's largest sizes: 9.8 s against 8.1 s)
/// after a longer build.
fn sweep(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(a) = args.iter().find(|a| *a != "--quick") {
        return Err(format!("unknown argument {a:?} (sweep [--quick])"));
    }
    let name = if quick { "quick_sweep" } else { "full_sweep" };
    header(&format!("sweep: tests/sweep.rs {name}"));
    let mut cmd = Command::new("cargo");
    cmd.args([
        "test",
        "--locked",
        "-p",
        "rnn-lab",
        "--test",
        "sweep",
        "--",
        "--exact",
        name,
        "--nocapture",
    ]);
    if !quick {
        cmd.arg("--ignored");
    }
    run(&mut cmd)
}

/// A long class: `e2e/soak.mjs` on a fresh release build, `--minutes` per
/// phase (default 30). It prints a table a minute and fails when memory or
/// the DOM grew more than 10 % after the first minute, or the frame
/// interval grew.
fn soak(args: &[String]) -> Result {
    let minutes = match args {
        [] => "30".to_string(),
        [flag, n] if flag == "--minutes" && n.parse::<f64>().is_ok_and(|m| m > 0.0 && m.is_finite()) => {
            n.clone()
        }
        _ => return Err(format!("unknown arguments {args:?} (soak [--minutes N], N > 0)")),
    };
    setup(Needs::Everything)?;
    header("trunk build --release → dist/");
    run(Command::new("trunk").args(["build", "--release", "--locked"]))?;
    header(&format!("soak: {minutes} min per phase (e2e/soak.mjs)"));
    run(Command::new("node")
        .args(["soak.mjs", "--minutes", &minutes])
        .current_dir("e2e"))
}

/// What `fuzz/` fuzzes, one libFuzzer target each.
const FUZZ_TARGETS: [&str; 2] = ["link", "run_file"];

/// Runs each fuzz target for `--seconds` (default 60) from its seeds
/// (`fuzz/seeds/<target>`: the README's and the browser tests' links, the
/// lessons, a saved run) and the corpus it grew before (`fuzz/corpus`, not
/// kept in git). A crash leaves its input in `fuzz/artifacts/<target>`.
fn fuzz(args: &[String]) -> Result {
    let seconds = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => n
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--seconds wants a whole number above 0, not {n:?}"))?,
        _ => return Err(format!("unknown arguments {args:?} (fuzz [--seconds N])")),
    };
    header("fuzz: checking tools");
    // libFuzzer's instrumentation (`-Zsanitizer`, `-Cpasses=sancov`) is
    // unstable rustc. A nightly toolchain is the normal way; a machine with
    // only the stable one (the kind CI may be) fuzzes with stable rustc told
    // to accept unstable flags: the same compiler, and its x86_64 standard
    // library ships the sanitizer runtimes, so the build is the same kind.
    let toolchains = output("rustup", &["toolchain", "list"]).unwrap_or_default();
    // `FUZZ_WITH_STABLE=1` takes the stable path where there is a nightly
    // too (how that path is tried on a machine that has both).
    let nightly = toolchains.lines().any(|l| l.starts_with("nightly"));
    let toolchain = if nightly && env::var_os("FUZZ_WITH_STABLE").is_none() {
        FuzzToolchain::Nightly
    } else {
        FuzzToolchain::StableUnlocked
    };
    ok("rust toolchain", toolchain.words());
    if output("cargo", &["fuzz", "--version"]).is_some() {
        ok("cargo-fuzz", "");
    } else {
        step("cargo install cargo-fuzz --locked (~3 min)");
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let mut crashed = Vec::new();
    let mut figures = Vec::new();
    for target in FUZZ_TARGETS {
        header(&format!("fuzz {target} for {seconds} s"));
        let corpus = format!("corpus/{target}");
        std::fs::create_dir_all(Path::new("fuzz").join(&corpus))
            .map_err(|e| format!("creating {corpus}: {e}"))?;
        let start = Instant::now();
        let (ok, executions) = fuzz_target(toolchain, target, &corpus, seconds)?;
        let took = start.elapsed().as_secs_f64();
        figures.push(format!(
            "{target}: {} executions in {seconds} s of fuzzing ({took:.0} s with the build){}",
            executions.map_or("?".into(), |n| n.to_string()),
            if ok { "" } else { ", CRASHED" }
        ));
        if !ok {
            crashed.push(target);
        }
    }
    header("fuzz figures");
    for f in &figures {
        println!("  {f}");
    }
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashed: {} (inputs in fuzz/artifacts/; replay with `{} run <target> <file>` in fuzz/)",
            crashed.join(", "),
            toolchain.cargo_fuzz()
        ))
    }
}

/// Which rustc builds the fuzz targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FuzzToolchain {
    Nightly,
    /// Stable rustc with `RUSTC_BOOTSTRAP=1`.
    StableUnlocked,
}

impl FuzzToolchain {
    fn words(self) -> &'static str {
        match self {
            FuzzToolchain::Nightly => "nightly",
            FuzzToolchain::StableUnlocked => "stable with RUSTC_BOOTSTRAP=1",
        }
    }
    /// How to run cargo-fuzz by hand with this toolchain.
    fn cargo_fuzz(self) -> &'static str {
        match self {
            FuzzToolchain::Nightly => "cargo +nightly fuzz",
            FuzzToolchain::StableUnlocked => "RUSTC_BOOTSTRAP=1 cargo fuzz",
        }
    }
}

/// One target's run: whether it ended without a crash, and libFuzzer's
/// count of executions. Its progress lines (`#123 NEW …`, `NEW_FUNC`) are
/// left out of the output; everything else (the crash report above all) is shown.
fn fuzz_target(
    toolchain: FuzzToolchain,
    target: &str,
    corpus: &str,
    seconds: u64,
) -> Result<(bool, Option<u64>)> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut cargo = Command::new("cargo");
    if toolchain == FuzzToolchain::Nightly {
        cargo.arg("+nightly");
    } else {
        cargo.env("RUSTC_BOOTSTRAP", "1");
    }
    let mut child = cargo
        .args(["fuzz", "run", target, corpus, &format!("seeds/{target}"), "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .current_dir("fuzz")
        // Its own target folder, fuzz/target: an instrumented build shares
        // nothing with the workspace's.
        .env_remove("CARGO_TARGET_DIR")
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`cargo fuzz run {target}` could not start: {e}"))?;
    let mut executions = None;
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines().map_while(std::result::Result::ok) {
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                executions = n.trim().parse().ok();
            }
            if !line.starts_with('#') && !line.trim_start().starts_with("NEW_FUNC") {
                eprintln!("{line}");
            }
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for the fuzzer: {e}"))?;
    Ok((status.success(), executions))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// What `trunk build` / `trunk serve` need.
    Build,
    /// Also the browser and the test packages.
    Everything,
}

/// Installs whatever is missing, skipping what is there at the right version.
fn setup(needs: Needs) -> Result {
    header("set-up: checking tools (installs only what is missing)");
    if needs == Needs::Everything {
        let have_browser = Path::new("/usr/bin/chromium").exists() || env::var_os("CHROMIUM").is_some();
        let have_node = output("node", &["--version"]).is_some() && output("npm", &["--version"]).is_some();
        // Debian's Chromium has no Chinese glyphs of its own: without this
        // font the tests and screenshots of the Chinese page see boxes.
        let have_cjk_font = Path::new(CJK_FONT).exists();
        if !have_browser || !have_node || !have_cjk_font {
            let mut pkgs = vec![];
            if !have_browser {
                pkgs.extend(["chromium", "chromium-driver"]);
            }
            if !have_node {
                pkgs.extend(["nodejs", "npm"]);
            }
            if !have_cjk_font {
                pkgs.push("fonts-noto-cjk");
            }
            apt_install(&pkgs)?;
        } else {
            ok("chromium", "/usr/bin/chromium");
            ok("fonts-noto-cjk", CJK_FONT);
        }
    } else if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }

    // The wasm target (rust-toolchain.toml lists it, but rustup does not add
    // it by itself when RUSTUP_AUTO_INSTALL=0).
    match output("rustup", &["target", "list", "--installed"]) {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => ok("rust target", WASM_TARGET),
        Some(_) => {
            step(&format!("rustup target add {WASM_TARGET}"));
            run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
        }
        None => println!("  ! rustup not found: make sure the {WASM_TARGET} target is installed"),
    }

    // trunk, exactly 0.21.x (0.22 needs a newer rustc).
    let trunk = output("trunk", &["--version"]).unwrap_or_default();
    if trunk.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        ok("trunk", TRUNK_VERSION);
    } else {
        step(&format!(
            "cargo install --locked trunk --version {TRUNK_VERSION} (~13 min on 2 cores; found {:?})",
            trunk.trim()
        ));
        run(Command::new("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))?;
    }

    // wasm-bindgen-cli at exactly the library's version from Cargo.lock.
    let wbg = wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wbg.as_str()) {
        ok("wasm-bindgen", &wbg);
    } else {
        step(&format!(
            "cargo install wasm-bindgen-cli --version {wbg} (~6 min; found {:?})",
            have.trim()
        ));
        // Not --locked: the locked install asks for a dependency version the
        // registry no longer has.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wbg]))?;
    }

    // wasm-opt from npm's binaryen.
    let opt = output("wasm-opt", &["--version"]).unwrap_or_default();
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    if opt.contains(&format!("version {major}")) {
        ok("wasm-opt", major);
    } else {
        step(&format!(
            "npm install -g binaryen@{BINARYEN_VERSION} (found {:?})",
            opt.trim()
        ));
        run(Command::new("npm").args(["install", "-g", &format!("binaryen@{BINARYEN_VERSION}")]))?;
    }

    // trunk's first `cargo metadata` resolves crates even when offline.
    step("cargo fetch --locked");
    run(Command::new("cargo").args(["fetch", "--locked"]))?;

    if needs == Needs::Everything {
        step("npm ci (e2e: playwright-core, no browser download)");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir("e2e"))?;
    }
    Ok(())
}

/// The `wasm-bindgen` version pinned in Cargo.lock.
fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err("no wasm-bindgen in Cargo.lock".into())
}

fn apt_install(pkgs: &[&str]) -> Result {
    let root = output("id", &["-u"]).is_some_and(|u| u.trim() == "0");
    let sudo: &[&str] = if root { &[] } else { &["sudo"] };
    step(&format!("apt-get install -y {}", pkgs.join(" ")));
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        run(Command::new(all[0])
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(pkgs);
    apt(&args)
}

/// Stdout of a command, or None if it cannot run or fails.
fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run(cmd: &mut Command) -> Result {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let status = cmd
        .status()
        .map_err(|e| format!("`{shown}` could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

fn header(title: &str) {
    println!("\n==> {title}");
}

fn step(what: &str) {
    println!("  → {what}");
}

fn ok(what: &str, version: &str) {
    println!("  ✓ {what} {version}");
}
