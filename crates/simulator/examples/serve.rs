//! Run the simulator on the wall clock and print its base URLs, for poking at it with curl:
//! `cargo run -p streamtide-simulator --example serve`, then e.g.
//! `curl "$CHZZK/service/v1/lives?size=3"`. Stops on Ctrl-C.

use std::sync::Arc;

use streamtide_core::SystemClock;
use streamtide_simulator::{SimConfig, Simulator};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let sim = Simulator::start(SimConfig::default(), Arc::new(SystemClock)).await?;
    println!("CHZZK={}", sim.chzzk_base());
    println!("SOOP={}", sim.soop_base());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
