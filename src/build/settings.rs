//! RULES.json (the map of shift rule sets) and OBJ.json (the objective), read with the
//! instance format's own types, so an unknown key is an error with its line and path.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::problem::{Place, Report};
use crate::model::raw::{ObjectiveSpec, ShiftRulesSpec};

fn parse<T: DeserializeOwned>(text: &str, file: &str, report: &mut Report) -> Option<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Some(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let field = if path == "." { String::new() } else { path };
            report.push(
                file,
                Place::Line(inner.line() as u64),
                field,
                inner.to_string(),
            );
            None
        }
    }
}

/// Reads RULES.json: `{"name": {"min_shift_slots": .., ...}, ...}`.
pub fn read_rules(text: &str, file: &str, report: &mut Report) -> BTreeMap<String, ShiftRulesSpec> {
    parse(text, file, report).unwrap_or_default()
}

/// Reads OBJ.json: an objective object, every field optional.
pub fn read_objective(text: &str, file: &str, report: &mut Report) -> ObjectiveSpec {
    parse(text, file, report).unwrap_or_default()
}
