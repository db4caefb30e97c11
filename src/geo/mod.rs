//! Geometry and travel: points on the sphere, travel minutes, and the reach, hop and
//! cover relations precomputed once per instance.

pub mod point;
pub mod reach;
pub mod travel;
pub mod union_find;

pub use point::{great_circle_km, EARTH_RADIUS_KM};
pub use reach::Reach;
pub use travel::{Node, TravelModel};
