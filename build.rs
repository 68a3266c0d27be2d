//! Build script: the extension's build metadata (version, commit, build time).
//! The schema migrations are embedded by `crates/cashback-sqlite/build.rs`.

use std::{env, fs, path::Path, process::Command};

fn main() {
    for file in commit_files() {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rustc-env=CASHBACK_GIT_COMMIT={}", git_commit());
    println!("cargo:rustc-env=CASHBACK_BUILD_EPOCH={}", build_epoch());
    println!("cargo:rustc-env=CASHBACK_BUILD_PROFILE={}", env::var("PROFILE").unwrap_or_default());
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
