//! The crate's shape, kept by a test: every module under `src/` uses only
//! modules of lower layers (or siblings of its own layer), and no module,
//! file by file, imports one that imports it back.
//!
//! Layers, lowest first, as `src/lib.rs` lists them:
//! 0. `error`, `function`, `limits`, `text`: what everything shares;
//! 1. `config`, `safety`: the operator's settings and the clinical rules;
//! 2. `request`: client bodies → checked values;
//! 3. `invocation`, `response`, `signing`, `async_result`;
//! 4. `gateway`: one function's gateway;
//! 5. `wasm`: the JavaScript face.
//!
//! A module's references are the `crate::…` and `super::…` paths in its file
//! and the `use child::…` of the children it declares, resolved to the
//! deepest module file they name. Test code (a
//! file's trailing `#[cfg(test)]` module, and `*_tests.rs` files) may reach
//! anywhere and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const LAYERS: &[&[&str]] = &[
    &["error", "function", "limits", "text"],
    &["config", "safety"],
    &["request"],
    &["invocation", "response", "signing", "async_result"],
    &["gateway"],
    &["wasm"],
];

/// Module path (`config::names`) → the file's source, test code removed.
fn modules() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    collect(Path::new("src"), &mut found);
    found
}

fn collect(dir: &Path, found: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("bin") {
                collect(&path, found);
            }
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let relative = path.strip_prefix("src").unwrap().with_extension("");
        let mut parts: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
            parts.pop();
        }
        let name = parts.join("::");
        if name.ends_with("tests") {
            continue;
        }
        let source = fs::read_to_string(&path).unwrap();
        found.insert(name, product_code(&source));
    }
}

/// The source without comments and test code: a `#[cfg(test)] mod x;`
/// line is dropped, and an inline `#[cfg(test)]` module (last in the file, by
/// the crate's convention) ends the product code.
fn product_code(source: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default());
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            kept.push(line);
            continue;
        }
        match lines.next().map(str::trim) {
            Some(next) if next.starts_with("mod ") && next.ends_with(';') => {}
            _ => break,
        }
    }
    kept.join("\n")
}

/// The module paths a file refers to, as written: `crate::a::b`, `super::c`.
fn references(module: &str, code: &str) -> BTreeSet<String> {
    let here: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        // Only whole words: `crate::`, not `healthnav_crate::`.
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let path: String = code[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<&str> = if segments.first() == Some(&"crate") {
            segments.remove(0);
            Vec::new()
        } else {
            // `super` is relative to the file's module: a `mod.rs` is its module.
            let mut base = here.clone();
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop();
            }
            base
        };
        base.extend(segments);
        found.insert(base.join("::"));
    }
    // `use child::…` in the file that declares `mod child;`.
    let children: Vec<&str> = code
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("pub ").unwrap_or(line);
            let rest = rest.strip_prefix("mod ")?;
            rest.strip_suffix(';')
        })
        .collect();
    for line in code.lines() {
        let line = line.trim();
        let Some(path) = line
            .strip_prefix("use ")
            .or_else(|| line.strip_prefix("pub use "))
            .or_else(|| line.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let first = path.split("::").next().unwrap_or_default();
        if children.contains(&first) {
            let mut full = here.clone();
            full.push(first);
            found.insert(full.join("::"));
        }
    }
    found
}

/// The deepest module of `modules` that `path` names.
fn resolve<'m>(path: &str, modules: &'m BTreeMap<String, String>) -> Option<&'m str> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find_map(|candidate| modules.get_key_value(&candidate).map(|(k, _)| k.as_str()))
}

fn layer_of(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or_default();
    LAYERS
        .iter()
        .position(|layer| layer.contains(&top))
        .unwrap_or_else(|| panic!("{module} is in no layer: add it to LAYERS"))
}

/// Module → the modules it uses, within the crate.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    modules
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, code)| {
            let uses = references(name, code)
                .iter()
                .filter_map(|path| resolve(path, &modules))
                .filter(|target| *target != name && !target.is_empty())
                .map(str::to_owned)
                .collect();
            (name.clone(), uses)
        })
        .collect()
}

#[test]
fn modules_use_only_lower_layers() {
    let mut upward = Vec::new();
    for (module, uses) in graph() {
        for target in uses {
            if layer_of(&target) > layer_of(&module) {
                upward.push(format!("{module} → {target}"));
            }
        }
    }
    assert!(upward.is_empty(), "imports against the layers: {upward:#?}");
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    let mut cycles = Vec::new();
    // A depth-first walk from each module; a path back to it is a cycle.
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((module, path)) = stack.pop() {
            for next in graph.get(&module).into_iter().flatten() {
                if next == start {
                    cycles.push(path.join(" → ") + " → " + start);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

#[test]
fn the_checker_sees_real_imports() {
    // The graph is not empty by accident (a path typo would make both tests pass).
    let graph = graph();
    let uses = |module: &str| graph.get(module).cloned().unwrap_or_default();
    assert!(
        uses("gateway").contains("invocation"),
        "{:?}",
        uses("gateway")
    );
    assert!(uses("request::fields").contains("text"));
    assert!(uses("safety::loader").contains("safety::matcher"));
    assert!(
        uses("safety").contains("safety::rule_set"),
        "{:?}",
        uses("safety")
    );
    assert!(graph.len() > 50, "{} modules", graph.len());
    // And it would catch an upward import.
    let upward = references("config::names", "use crate::response::image::SEVERITIES;");
    assert_eq!(
        upward,
        BTreeSet::from(["response::image::SEVERITIES".to_owned()])
    );
    assert!(layer_of("response::image") > layer_of("config::names"));
}
