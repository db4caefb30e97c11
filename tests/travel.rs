//! Travel and reach known answers: haversine between real city centres, matrix with
//! null, inclusive thresholds in reach, hop and cover lists.

use patrolplan::geo::great_circle_km;
use patrolplan::Instance;
use serde_json::json;

#[test]
fn haversine_nanjing_to_suzhou_by_hand() {
    // Centres from data/reference/jiangsu_cities.csv. By hand with R = 6371 km:
    // lat1 = 31.9242, lat2 = 31.3805, dlon = 1.8111 degrees
    // h = sin^2(-0.27185 deg) + cos(31.9242) cos(31.3805) sin^2(0.90555 deg)
    //   = 2.2511e-5 + 0.84874 * 0.85374 * 2.4979e-4 = 2.03497e-4
    // d = 2 * 6371 * asin(0.0142652) = 181.774 km
    let d = great_circle_km(
        geo::Point::new(118.8485, 31.9242),
        geo::Point::new(120.6596, 31.3805),
    );
    assert!((d - 181.774).abs() < 0.001, "{d}");
}

fn matrix_instance(response: f64) -> Instance {
    let doc = json!({
        "format": "patrolplan.instance.v1",
        "name": "matrix",
        "horizon": { "slot_minutes": 60, "slots": 4 },
        "travel": { "model": "matrix",
            "ids": ["R1", "R2", "R3", "P1", "P2"],
            "minutes": [
                [0, 15, null, 5, 20],
                [15, 0, 30, 10, 5],
                [null, 30, 0, 5.000001, null],
                [5, 10, 5.000001, 0, 8],
                [20, 5, null, 8, 0]
            ] },
        "regions": [
            { "id": "R1", "location": [118.0, 32.0], "risk": 1 },
            { "id": "R2", "location": [118.1, 32.0], "risk": 1 },
            { "id": "R3", "location": [118.2, 32.0], "risk": 1 }
        ],
        "posts": [ { "id": "P1", "location": [118.0, 32.1] }, { "id": "P2", "location": [118.1, 32.1] } ],
        "shift_rules": { "s": { "min_shift_slots": 1, "max_shift_slots": 4, "min_rest_slots": 1, "max_work_slots": 4, "max_hop_minutes": 15 } },
        "teams": [
            { "id": "T1", "kind": "patrol", "members": 5, "base": "R1", "reach_minutes": 15, "rules": "s" },
            { "id": "M1", "kind": "mobile", "members": 6, "base": "P1", "reach_minutes": 8, "rules": "s" }
        ],
        "objective": { "response_minutes": response, "backup_minutes": 10 }
    });
    Instance::from_json(&doc.to_string()).expect("valid")
}

#[test]
fn matrix_reach_is_inclusive_and_null_is_unreachable() {
    let inst = matrix_instance(5.0);
    // T1 from R1: R1 0, R2 exactly 15 (inclusive), R3 null (unreachable).
    assert_eq!(inst.reach().locations(0), &[0, 1]);
    // M1 from P1: P1 0, P2 exactly 8.
    assert_eq!(inst.reach().locations(1), &[0, 1]);
    // Hop 15 for T1: from R2 to R3 is 30 -> not allowed; R2 to R1 is 15 -> allowed.
    assert_eq!(inst.reach().hop_neighbors(0, 1), &[0, 1]);
    assert_eq!(inst.reach().hop_neighbors(0, 2), &[2]);
}

#[test]
fn matrix_cover_threshold_is_inclusive() {
    let inst = matrix_instance(5.0);
    // From P1: R1 at 5 (== standard, covered), R2 at 10, R3 at 5.000001 (not covered).
    assert_eq!(inst.reach().response_regions(1, 0), &[0]);
    assert_eq!(inst.reach().backup_regions(1, 0), &[0, 1, 2]);
    let wider = matrix_instance(5.000001);
    assert_eq!(wider.reach().response_regions(1, 0), &[0, 2]);
    // From P2: R3 unreachable (null) even within backup.
    assert_eq!(inst.reach().backup_regions(1, 1), &[1]);
}

#[test]
fn haversine_reach_matches_the_formula_at_the_threshold() {
    // Two regions 1 km apart (along a meridian); a 6 km/h team with detour 1 needs
    // 1 km / 6 * 60 = d * 10 minutes. Reach set exactly to that value includes the region.
    let d = great_circle_km(geo::Point::new(118.0, 32.0), geo::Point::new(118.0, 32.009));
    let minutes = d * 1.0 / 6.0 * 60.0;
    let doc = |reach: f64| {
        json!({
        "format": "patrolplan.instance.v1",
        "name": "hv",
        "horizon": { "slot_minutes": 60, "slots": 2 },
        "travel": { "model": "haversine", "detour_factor": 1.0 },
        "regions": [
            { "id": "A", "location": [118.0, 32.0], "risk": 1 },
            { "id": "B", "location": [118.0, 32.009], "risk": 1 }
        ],
        "shift_rules": { "s": { "min_shift_slots": 1, "max_shift_slots": 2, "min_rest_slots": 1, "max_work_slots": 2, "max_hop_minutes": 0 } },
        "teams": [ { "id": "T", "kind": "patrol", "members": 1, "base": "A", "speed_kmh": 6, "reach_minutes": reach, "rules": "s" } ]
    }).to_string()
    };
    let at = Instance::from_json(&doc(minutes)).unwrap();
    assert_eq!(at.reach().locations(0), &[0, 1]);
    assert_eq!(at.base_minutes(0, 1), minutes);
    let below = Instance::from_json(&doc(minutes * (1.0 - 1e-12))).unwrap();
    assert_eq!(below.reach().locations(0), &[0]);
    // max_hop 0: a team may stay (0 minutes) but not move.
    assert_eq!(at.reach().hop_neighbors(0, 0), &[0]);
}
