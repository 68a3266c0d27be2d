//! Build script: embeds the schema migrations.
//!
//! Migrations live in `migrations/NNNN_name.sql`. They are checked here
//! (numbered 1..=N without gaps, non-empty) so a broken sequence fails the build
//! instead of a production database, and compiled into the binary so the
//! extension is a single file with no data directory to ship.

use std::{env, fmt::Write as _, fs, path::Path};

const MIGRATIONS_DIR: &str = "migrations";

fn main() {
    println!("cargo:rerun-if-changed={MIGRATIONS_DIR}");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let migrations = collect_migrations();
    fs::write(Path::new(&out_dir).join("migrations.rs"), render_migrations(&migrations)).expect("write migrations.rs");
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
