//! Reference geography embedded in the binary: Jiangsu's 13 prefecture-level cities and
//! Nanjing's 11 districts (2020 census population, land area, centre or seat).
//! The CSVs live in `data/reference/`; see the README there for their sources.

const CITIES_CSV: &str = include_str!("../../data/reference/jiangsu_cities.csv");
const DISTRICTS_CSV: &str = include_str!("../../data/reference/nanjing_districts.csv");

/// A named place with a centre, a land area and a population.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// English name (used as the region `group`).
    pub name: String,
    /// Longitude of the centre (city) or seat (district), degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Land area, km².
    pub area_km2: f64,
    /// 2020 census population.
    pub population: f64,
    /// County-level divisions (cities only; 0 for districts).
    pub county_units: usize,
}

fn column(header: &[&str], name: &str) -> usize {
    header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("embedded CSV lacks column {name}"))
}

/// Parses an embedded CSV; it is part of the build, so a malformed file is a bug.
fn parse(csv: &str, name: &str, lat: &str, lon: &str, units: Option<&str>) -> Vec<Place> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .expect("embedded CSV has a header")
        .split(',')
        .collect();
    let (i_name, i_lat, i_lon) = (
        column(&header, name),
        column(&header, lat),
        column(&header, lon),
    );
    let (i_area, i_pop) = (
        column(&header, "area_km2"),
        column(&header, "population_2020"),
    );
    let i_units = units.map(|u| column(&header, u));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let num = |i: usize| -> f64 { f[i].trim().parse().expect("embedded CSV number") };
            Place {
                name: f[i_name].to_string(),
                lon: num(i_lon),
                lat: num(i_lat),
                area_km2: num(i_area),
                population: num(i_pop),
                county_units: i_units.map_or(0, |i| num(i) as usize),
            }
        })
        .collect()
}

/// Jiangsu's 13 prefecture-level cities, in adcode order.
pub fn jiangsu_cities() -> Vec<Place> {
    parse(
        CITIES_CSV,
        "city",
        "center_lat",
        "center_lon",
        Some("county_level_units"),
    )
}

/// Nanjing's 11 districts, in adcode order.
pub fn nanjing_districts() -> Vec<Place> {
    parse(DISTRICTS_CSV, "district", "seat_lat", "seat_lon", None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_tables_are_complete() {
        let cities = jiangsu_cities();
        assert_eq!(cities.len(), 13);
        let pop: f64 = cities.iter().map(|c| c.population).sum();
        assert!(
            (84.0e6..86.0e6).contains(&pop),
            "Jiangsu 2020 population {pop}"
        );
        assert_eq!(cities[0].name, "Nanjing");
        assert_eq!(cities[0].county_units, 11);
        let districts = nanjing_districts();
        assert_eq!(districts.len(), 11);
        let dpop: f64 = districts.iter().map(|d| d.population).sum();
        assert!(
            (dpop - cities[0].population).abs() < 1.0,
            "districts sum to the city"
        );
        assert!(districts
            .iter()
            .all(|d| (31.0..33.0).contains(&d.lat) && (118.0..120.0).contains(&d.lon)));
    }
}
