//! Geometry and travel: points on the sphere and travel minutes. It knows nothing of
//! teams or rules; the reach, hop and cover relations built from them live in
//! [`crate::model::reach`].

pub mod point;
pub mod travel;
pub mod union_find;

pub use point::{great_circle_km, EARTH_RADIUS_KM};
pub use travel::{Node, TravelModel};
