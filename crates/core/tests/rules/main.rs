//! Given/when/then tests for every domain rule (R1–R15), one module a domain area as in the
//! core's source: each wrong case is refused naming its rule, and deciding never changes the
//! state.

mod support;

mod calendar;
mod corrections;
mod distribution;
mod estate;
mod household;
mod membership;
mod pledge;
mod report;
mod representative;
mod shares;
