//! Writes the JSON Schemas (2020-12) of the three functions' requests and
//! responses to `schema/`, built from the crate's rule constants, field lists
//! and character predicates, so the app's copy of the rules is generated,
//! not written a second time.
//!
//! ```sh
//! cargo run --features internals --bin json_schemas            # (re)writes schema/*.schema.json
//! cargo run --features internals --bin json_schemas -- --check # fails if a committed file is stale
//! ```

mod char_set;
mod image_data;
mod not_expressed;
mod request;
mod response;
mod schema_parts;
mod text_rules;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use healthnav_edge::function::ModelFunction;

/// Every schema file: `(file name, contents)`.
fn schema_files() -> Vec<(String, String)> {
    ModelFunction::ALL
        .iter()
        .flat_map(|function| {
            [
                ("request", request::request_schema(*function)),
                ("response", response::response_schema(*function)),
            ]
            .map(|(kind, schema)| {
                let text = serde_json::to_string_pretty(&schema)
                    .unwrap_or_else(|e| panic!("a schema is always serialisable: {e}"));
                (
                    format!("{}.{kind}.schema.json", function.slug()),
                    text + "\n",
                )
            })
        })
        .collect()
}

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// Names of the files whose committed contents differ from the generated ones.
fn stale_files(dir: &Path) -> Vec<String> {
    schema_files()
        .into_iter()
        .filter(|(name, text)| std::fs::read_to_string(dir.join(name)).ok().as_ref() != Some(text))
        .map(|(name, _)| name)
        .collect()
}

fn main() -> ExitCode {
    let dir = schema_dir();
    if std::env::args().any(|arg| arg == "--check") {
        let stale = stale_files(&dir);
        if stale.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "stale in schema/: {}; run `cargo run --features internals --bin json_schemas` and commit schema/",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, text) in schema_files() {
        if let Err(error) = std::fs::write(dir.join(&name), text) {
            eprintln!("cannot write schema/{name}: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schemas_are_what_the_rules_generate() {
        let stale = stale_files(&schema_dir());
        assert!(
            stale.is_empty(),
            "stale in schema/: {stale:?}; run `cargo run --features internals --bin json_schemas` and commit schema/"
        );
    }
}
