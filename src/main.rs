//! The playground's web entry point: trunk builds this binary for wasm32 and mounts the Yew app.
//! Built natively it only says where to go.

#[cfg(target_arch = "wasm32")]
mod web;
// Natively only the page's rooms free of the browser compile, for their unit tests; what only the
// page uses of them is dead there.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
mod web;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // Loaded by a Web Worker (www/worker.js) the module only serves the JS API: no page to mount.
    if web_sys::window().is_some() {
        web::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This binary is the web playground: build it with `trunk serve` (see README.md).");
    eprintln!("The native command-line tool is `cargo run --release --bin mcast -- help`.");
}
