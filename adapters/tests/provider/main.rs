//! Black-box tests of the Twilio REST client against the local sandbox, both over real HTTP on
//! port 0: search, purchase, webhook configuration, release, paging, sending messages (SMS,
//! WhatsApp, media, templates), every Twilio refusal the port types or passes through, the
//! customer simulator's signed webhooks and the signed status callbacks of sent messages, and
//! the same client in SignalWire's dialect against the SignalWire-flavoured sandbox. One test
//! binary (STYLE rule 20).

mod helpers;
mod outbox;
mod paging;
mod purchase;
mod receiver;
mod refusals;
mod search;
mod send_refusals;
mod sending;
mod signalwire;
mod simulator;
mod status_callbacks;
