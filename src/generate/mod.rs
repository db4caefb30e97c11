//! Scenario presets.
