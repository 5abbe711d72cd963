//! Which database a command uses (`--db`, else `storage.url`), and refusing to conjure an empty
//! one: a command that only reads says which file is missing and how to make it.

use std::path::{Path, PathBuf};

use anyhow::bail;

/// The demo's database, kept apart from a real installation's (`streamtide demo` without `--db`).
pub const DEMO_DB: &str = "sqlite://streamtide-demo.db";

/// A `--db` value as a storage URL: URLs (`sqlite://…`, `postgres://…`, `mysql://…`) as given;
/// anything else is the path of an SQLite file (`--db streamtide-demo.db`).
pub fn url_from_arg(arg: &str) -> String {
    let arg = arg.trim();
    if arg.contains("://") || arg.starts_with("sqlite:") {
        arg.to_string()
    } else {
        format!("sqlite://{arg}")
    }
}

/// The file of an SQLite URL; `None` for other backends and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// An SQLite file may be created only in a folder that exists.
pub fn check_can_create(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            bail!(
                "cannot create the database {}: the folder {} does not exist",
                path.display(),
                parent.display()
            );
        }
    }
    Ok(())
}

/// Fail, saying how to create it, when the SQLite file of `url` does not exist.
pub fn check_exists(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if path.exists() {
        return Ok(());
    }
    let demo = sqlite_file(DEMO_DB).filter(|d| d.exists() && d != &path);
    bail!(
        "no database at {} ({url}). This command reads an existing one and does not create it.\n\
         Create and fill it with `streamtide run` (or `streamtide collect --once`, `streamtide import ROSTER`, \
         `streamtide migrate` for an empty schema), or choose another with `--db URL` or `storage.url`.{}",
        shown(&path),
        match demo {
            Some(_) => format!("\nThe demo's database is here: add `--db {DEMO_DB}`."),
            None => format!("\n`streamtide demo` writes to {DEMO_DB}; read it with `--db {DEMO_DB}`."),
        }
    )
}

fn shown(path: &Path) -> String {
    match std::path::absolute(path) {
        Ok(abs) => abs.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_arguments_become_urls() {
        assert_eq!(
            url_from_arg("streamtide-demo.db"),
            "sqlite://streamtide-demo.db"
        );
        assert_eq!(url_from_arg("/var/lib/st.db"), "sqlite:///var/lib/st.db");
        assert_eq!(url_from_arg("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(url_from_arg("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(
            sqlite_file("sqlite://a/b.db?mode=ro"),
            Some(PathBuf::from("a/b.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("mysql://root@h/db"), None);
    }

    #[test]
    fn a_missing_file_is_named_with_the_way_to_create_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("none.db").display());
        let msg = check_exists(&url).unwrap_err().to_string();
        assert!(
            msg.contains("none.db") && msg.contains("streamtide run"),
            "{msg}"
        );
        assert!(!dir.path().join("none.db").exists());
        let nested = format!("sqlite://{}", dir.path().join("no/such/x.db").display());
        let msg = check_can_create(&nested).unwrap_err().to_string();
        assert!(msg.contains("does not exist"), "{msg}");
        check_can_create(&url).unwrap();
    }
}
