//! critmin planner.

pub mod stock;
