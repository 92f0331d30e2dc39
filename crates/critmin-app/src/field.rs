//! The error every use case returns for bad input: `critmin_model::FieldError`, the one type
//! the network's and the planner's request specs use too, re-exported here for the shells.

pub use critmin_model::FieldError;
