//! Travel minutes between nodes (region points, post locations, team bases).

use geo::Point;

use super::point::great_circle_km;

/// A place travel can start from or end at. Under the matrix model `matrix` is the
/// row/column of the place's id; under the haversine model only `point` is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// `[longitude, latitude]` in degrees.
    pub point: Point<f64>,
    /// Index into the travel matrix, `usize::MAX` when there is none.
    pub matrix: usize,
}

impl Node {
    /// A node known only by its coordinates.
    pub fn at(point: Point<f64>) -> Node {
        Node {
            point,
            matrix: usize::MAX,
        }
    }
}

/// The instance's travel model.
#[derive(Debug, Clone)]
pub enum TravelModel {
    /// `great_circle_km * detour_factor / speed_kmh * 60`.
    Haversine {
        /// Road distance over great-circle distance, `>= 1`.
        detour_factor: f64,
    },
    /// Explicit minutes; unreachable pairs are `f64::INFINITY`.
    Matrix {
        /// Number of ids (rows and columns).
        size: usize,
        /// Row-major `size * size` minutes.
        minutes: Vec<f64>,
    },
}

impl TravelModel {
    /// Travel minutes from `from` to `to` for a team moving at `speed_kmh`
    /// (`f64::INFINITY` when unreachable). "Within t minutes" means `minutes <= t`.
    pub fn minutes(&self, speed_kmh: f64, from: &Node, to: &Node) -> f64 {
        match self {
            // Same operation order as the contract so that thresholds agree bit for bit.
            TravelModel::Haversine { detour_factor } => {
                great_circle_km(from.point, to.point) * detour_factor / speed_kmh * 60.0
            }
            TravelModel::Matrix { size, minutes } => {
                if from.matrix >= *size || to.matrix >= *size {
                    return f64::INFINITY;
                }
                minutes[from.matrix * size + to.matrix]
            }
        }
    }

    /// Whether the model ignores speed (the matrix model does).
    pub fn is_matrix(&self) -> bool {
        matches!(self, TravelModel::Matrix { .. })
    }

    /// The great-circle radius (km) beyond which a team at `speed_kmh` needs more than
    /// `max_minutes`; `None` under the matrix model, where geometry says nothing.
    pub fn radius_km(&self, speed_kmh: f64, max_minutes: f64) -> Option<f64> {
        match self {
            TravelModel::Haversine { detour_factor } => {
                Some(max_minutes * speed_kmh / 60.0 / detour_factor)
            }
            TravelModel::Matrix { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_minutes_use_speed_and_detour() {
        let model = TravelModel::Haversine { detour_factor: 1.5 };
        let a = Node::at(Point::new(0.0, 0.0));
        let b = Node::at(Point::new(0.0, 1.0));
        let km = great_circle_km(a.point, b.point);
        let m = model.minutes(30.0, &a, &b);
        assert!((m - km * 1.5 / 30.0 * 60.0).abs() < 1e-9);
        // 111.19 km * 1.5 at 30 km/h = 333.6 minutes
        assert!((m - 333.585).abs() < 0.01, "{m}");
    }

    #[test]
    fn matrix_null_is_unreachable_and_speed_is_ignored() {
        let model = TravelModel::Matrix {
            size: 2,
            minutes: vec![0.0, 5.0, f64::INFINITY, 0.0],
        };
        let a = Node {
            point: Point::new(0.0, 0.0),
            matrix: 0,
        };
        let b = Node {
            point: Point::new(0.0, 0.0),
            matrix: 1,
        };
        assert_eq!(model.minutes(1.0, &a, &b), 5.0);
        assert_eq!(model.minutes(100.0, &a, &b), 5.0);
        assert!(model.minutes(1.0, &b, &a).is_infinite());
        // inclusive threshold: exactly 5 minutes is within 5 minutes
        let within = |t: f64| model.minutes(1.0, &a, &b) <= t;
        assert!(within(5.0));
        assert!(!within(4.999_999));
    }
}
