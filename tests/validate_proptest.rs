//! No input can make instance loading panic: mutated valid instances and mangled JSON
//! always give `Ok` or a list of problems.

use patrolplan::Instance;
use proptest::prelude::*;
use serde_json::Value;

fn hand() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hand.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every JSON pointer to a leaf or container of the document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(0)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!(-1e-300)),
        Just(serde_json::json!(1.5)),
        Just(serde_json::json!(4294967296u64)),
        Just(serde_json::json!(u64::MAX)),
        Just(serde_json::json!("")),
        Just(serde_json::json!("R1")),
        Just(serde_json::json!("P1")),
        Just(serde_json::json!([])),
        Just(serde_json::json!([0, 0])),
        Just(serde_json::json!([[0, 1]])),
        Just(serde_json::json!({})),
        Just(serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})),
        any::<f64>().prop_map(|x| serde_json::json!(x)),
        any::<i64>().prop_map(|x| serde_json::json!(x)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_instances_never_panic(picks in prop::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4)) {
        let mut doc = hand();
        let mut ptrs = Vec::new();
        pointers(&doc, String::new(), &mut ptrs);
        for (idx, value) in picks {
            let p = idx.get(&ptrs);
            if p.is_empty() { continue; }
            if let Some(slot) = doc.pointer_mut(p) { *slot = value; }
        }
        let json = serde_json::to_string(&doc).unwrap();
        let _ = Instance::from_json(&json);
    }

    #[test]
    fn mangled_json_never_panics(cut in 0usize..2000, insert in "[\\[\\]{}\",:0-9a-z.-]{0,8}") {
        let text = serde_json::to_string(&hand()).unwrap();
        let cut = cut.min(text.len());
        let mut mangled = text[..cut].to_string();
        mangled.push_str(&insert);
        mangled.push_str(&text[cut..]);
        let _ = Instance::from_json(&mangled);
    }

    #[test]
    fn removed_fields_never_panic(idx in any::<prop::sample::Index>()) {
        let mut doc = hand();
        let mut ptrs = Vec::new();
        pointers(&doc, String::new(), &mut ptrs);
        let p = idx.get(&ptrs).clone();
        if let Some((parent, key)) = p.rsplit_once('/') {
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => { m.remove(key); }
                Some(Value::Array(a)) => { if let Ok(i) = key.parse::<usize>() { if i < a.len() { a.remove(i); } } }
                _ => {}
            }
        }
        let _ = Instance::from_json(&serde_json::to_string(&doc).unwrap());
    }
}
