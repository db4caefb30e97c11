//! The risk estimator recovers the known ground truth of the sample set (incidents drawn
//! by a self-exciting process) better than the naive predictors, and its held-out hit
//! rates beat theirs.

use patrolplan::build::check::check;
use patrolplan::build::read_for_check;
use patrolplan::build::risk::fit;
use patrolplan::build::sample::{sample_set, SAMPLE_START};
use patrolplan::build::span_of;

const H: usize = 168;

fn relative_l1(est: &[f64], truth: &[f64]) -> f64 {
    est.iter()
        .zip(truth)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
        / truth.iter().sum::<f64>()
}

#[test]
fn estimate_recovers_the_truth_better_than_naive_predictors() {
    let set = sample_set(1);
    let dir = tempfile::tempdir().unwrap();
    let regions = dir.path().join("regions.geojson");
    let incidents = dir.path().join("incidents.csv");
    std::fs::write(&regions, &set.regions_geojson).unwrap();
    std::fs::write(&incidents, &set.incidents_csv).unwrap();
    let (land, placed, tally) = read_for_check(&regions, &incidents, SAMPLE_START).unwrap();
    assert!(
        tally.rejected_total() > 0,
        "the sample carries stray records"
    );
    let n = land.regions();
    let (lo, hi) = span_of(&placed);
    let (rates, report) = fit(&land, &placed, lo, hi);
    assert!(report.folds >= 2);

    // Naive: last four weeks' counts per cell and hour of week, as a rate per hour.
    let mut last = vec![0.0; n * H];
    for p in placed.iter().filter(|p| p.hour >= hi - 4 * H as i64) {
        last[p.region as usize * H + patrolplan::build::clock::hour_of_week(p.hour)] +=
            p.weight / 4.0;
    }
    // Naive: the overall rate spread by area, flat in time.
    let total_weight: f64 = placed.iter().map(|p| p.weight).sum();
    let area: f64 = land.area_km2.iter().sum();
    let uniform: Vec<f64> = (0..n * H)
        .map(|i| total_weight / (hi - lo) as f64 * land.area_km2[i / H] / area)
        .collect();

    let e_est = relative_l1(&rates.lambda, &set.truth);
    let e_last = relative_l1(&last, &set.truth);
    let e_uniform = relative_l1(&uniform, &set.truth);
    eprintln!("relative L1 error per cell-hour: estimate {e_est:.3}, last month {e_last:.3}, uniform {e_uniform:.3} (kappa {} / {})", report.kappa_space, report.kappa_time);
    assert!(e_est < e_last && e_est < e_uniform);

    // The same per cell (weekly totals): the spatial part alone.
    let per_cell =
        |v: &[f64]| -> Vec<f64> { (0..n).map(|r| v[r * H..(r + 1) * H].iter().sum()).collect() };
    let truth_cells = per_cell(&set.truth);
    let (c_est, c_last, c_uniform) = (
        relative_l1(&per_cell(&rates.lambda), &truth_cells),
        relative_l1(&per_cell(&last), &truth_cells),
        relative_l1(&per_cell(&uniform), &truth_cells),
    );
    eprintln!("relative L1 error per cell: estimate {c_est:.3}, last month {c_last:.3}, uniform {c_uniform:.3}");
    assert!(c_est < c_last && c_est < c_uniform);

    // Held-out weeks: the estimate's hit rates beat both naive predictors.
    let (checked, _) = check(&land, &placed, 4).unwrap();
    eprint!("{}", checked.table());
    let at5 = |i: usize| checked.scores[i].regions[1].hit_rate;
    assert!(
        at5(0) > at5(1) && at5(0) > at5(2),
        "hit rate at 5 %: {} vs {} / {}",
        at5(0),
        at5(1),
        at5(2)
    );
    assert!(
        (checked.scores[2].regions[1].pai - 1.0).abs() < 0.05,
        "uniform PAI is about 1"
    );
}
