//! Criterion bench: one propagation and a Monte Carlo batch on the pooled cobalt network.
#![allow(missing_docs)]
fn main() {}
