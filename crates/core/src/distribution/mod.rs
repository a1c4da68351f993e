//! The yearly distribution (收益分配, R12–R14): `arithmetic` (funds, weighted units on a record
//! date, the exact split, the draft and its recomputation), `plan` (the status machine: draft,
//! notice, approval, posting; each decided, applied and undone) and `dividends` (declared lines
//! and their payments).

pub mod arithmetic;
pub(crate) mod dividends;
pub(crate) mod plan;

pub use arithmetic::*;
