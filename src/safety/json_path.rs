//! Where a value sits in a rule file (`rules[2].symptoms[0][1]`), written
//! out only when an error names it: loading a valid file, the common case,
//! formats no path.

use std::fmt;

/// A JSON path: the document itself, a field of a path, or an item of one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonPath<'a> {
    /// The whole document; written as nothing.
    Root,
    /// `parent.name` (just `name` under the root).
    Field(&'a JsonPath<'a>, &'a str),
    /// `parent[index]`.
    Item(&'a JsonPath<'a>, usize),
}

impl<'a> JsonPath<'a> {
    /// The path of field `name` of this one.
    pub(crate) fn field(&'a self, name: &'a str) -> JsonPath<'a> {
        JsonPath::Field(self, name)
    }

    /// The path of item `index` of this one.
    pub(crate) fn item(&'a self, index: usize) -> JsonPath<'a> {
        JsonPath::Item(self, index)
    }
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonPath::Root => Ok(()),
            JsonPath::Field(JsonPath::Root, name) => f.write_str(name),
            JsonPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            JsonPath::Item(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JsonPath;

    #[test]
    fn paths_are_written_as_the_errors_name_them() {
        let root = JsonPath::Root;
        let rules = root.field("rules");
        let rule = rules.item(2);
        let symptoms = rule.field("symptoms");
        let group = symptoms.item(0);
        assert_eq!(root.to_string(), "");
        assert_eq!(rules.to_string(), "rules");
        assert_eq!(group.item(1).to_string(), "rules[2].symptoms[0][1]");
        assert_eq!(root.field("version").to_string(), "version");
    }
}
