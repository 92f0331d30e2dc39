//! critmin planner: the projects that could add supply, the demand they must meet, the recycled
//! supply that comes back, and the portfolio that best cuts a buyer's risk for a budget.
//!
//! * [`projects`]: project records, the documented default probability and lead time by
//!   status, and CSV import with file/line/column validation;
//! * [`pipeline`]: India's published pipeline (auctions, overseas ventures, mission targets);
//! * [`demand`]: IEA STEPS/APS/NZE demand from the raw extract, user scenarios, interpolation;
//! * [`stock`]: the dynamic stock model by cohort that gives secondary (recycled) supply;
//! * [`outlook`]: risked supply per mineral, stage and year, by location and by ownership,
//!   balanced against demand, with the concentration of the future mix;
//! * [`optimize`] (feature `solver`, on by default): the diversification MILP solved by HiGHS,
//!   with shadow prices, infeasibility diagnosis and an MPS writer.
//!
//! Boundary: pure library code. It reads only its embedded data files and text handed to it;
//! it prints nothing and knows nothing of terminals or HTTP.

pub mod demand;
pub mod mps;
#[cfg(feature = "solver")]
pub mod optimize;
pub mod outlook;
pub mod pipeline;
pub mod portfolio;
pub mod projects;
pub mod stock;
pub mod synthetic;
