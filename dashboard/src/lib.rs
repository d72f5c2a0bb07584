//! `ballast dashboard`: a small web page over the indexer's database, with a JSON API behind
//! every chart. Everything it serves is in the binary (the page, uPlot and its stylesheet): no
//! CDN, nothing fetched by the browser from elsewhere.
pub mod api;
pub mod browser;
mod server;

pub use server::{check_address, serve, Dashboard};
