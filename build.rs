//! Build script: embeds the schema migrations and build metadata.
//!
//! Migrations live in `src/core/migrations/NNNN_name.sql`. They are checked here
//! (numbered 1..=N without gaps, non-empty) so a broken sequence fails the build
//! instead of a production database, and compiled into the binary so the
//! extension is a single file with no data directory to ship.

use std::{env, fmt::Write as _, fs, path::Path, process::Command};

const MIGRATIONS_DIR: &str = "src/core/migrations";

fn main() {
    println!("cargo:rerun-if-changed={MIGRATIONS_DIR}");
    for file in commit_files() {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let migrations = collect_migrations();
    fs::write(Path::new(&out_dir).join("migrations.rs"), render_migrations(&migrations)).expect("write migrations.rs");

    println!("cargo:rustc-env=CASHBACK_GIT_COMMIT={}", git_commit());
    println!("cargo:rustc-env=CASHBACK_BUILD_EPOCH={}", build_epoch());
    println!("cargo:rustc-env=CASHBACK_BUILD_PROFILE={}", env::var("PROFILE").unwrap_or_default());
}

/// Returns `(version, name, absolute path)` sorted by version, panicking on gaps.
fn collect_migrations() -> Vec<(u32, String, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir(MIGRATIONS_DIR).expect("migrations directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("sql") {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("utf-8 file name").to_owned();
        let (number, name) = stem.split_once('_').unwrap_or_else(|| panic!("migration {stem}: expected NNNN_name.sql"));
        let version: u32 = number.parse().unwrap_or_else(|_| panic!("migration {stem}: bad number"));
        let sql = fs::read_to_string(&path).expect("read migration");
        assert!(!sql.trim().is_empty(), "migration {stem} is empty");
        let absolute = fs::canonicalize(&path).expect("canonical path");
        found.push((version, name.to_owned(), absolute.to_string_lossy().into_owned()));
    }
    found.sort();
    for (index, (version, name, _)) in found.iter().enumerate() {
        assert_eq!(*version as usize, index + 1, "migration {name}: versions must run 1..=N without gaps");
    }
    assert!(!found.is_empty(), "no migrations in {MIGRATIONS_DIR}");
    found
}

fn render_migrations(migrations: &[(u32, String, String)]) -> String {
    let mut code = String::from(
        "/// Schema migrations embedded at build time: `(version, name, sql)`.\npub const MIGRATIONS: &[(u32, &str, &str)] = &[\n",
    );
    for (version, name, path) in migrations {
        writeln!(code, "    ({version}, {name:?}, include_str!({path:?})),").unwrap();
    }
    code.push_str("];\n");
    code
}

/// The files a new commit changes: `.git/HEAD` names the branch, a commit moves
/// the branch's ref (loose, or in `packed-refs` after a clone or `git gc`). Only
/// existing files are watched: cargo reruns the script every time for a missing one.
fn commit_files() -> Vec<String> {
    let head = fs::read_to_string(".git/HEAD").unwrap_or_default();
    let branch = head.strip_prefix("ref: ").map(|name| format!(".git/{}", name.trim()));
    [Some(".git/HEAD".to_owned()), branch, Some(".git/packed-refs".to_owned())]
        .into_iter()
        .flatten()
        .filter(|file| Path::new(file).is_file())
        .collect()
}

fn git_commit() -> String {
    Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Honours SOURCE_DATE_EPOCH so reproducible builds get a fixed stamp.
fn build_epoch() -> u64 {
    env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    })
}
