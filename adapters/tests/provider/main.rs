//! Black-box tests of the Twilio REST client against the local sandbox, both over real HTTP on
//! port 0: search, purchase, webhook configuration, release, paging, every Twilio refusal the
//! port types, and the customer simulator's signed webhooks. One test binary (STYLE rule 20).

mod helpers;
mod paging;
mod purchase;
mod receiver;
mod refusals;
mod search;
mod simulator;
