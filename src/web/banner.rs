//! The error banner: one sentence, the details behind a toggle, the ways out as buttons, and a
//! close button. It stays until the user closes it or makes an edit that runs.

use super::msg::Msg;
use super::refusal::Refusal;
use yew::{html, Callback, Html};

/// The banner for `error`, with `refusal`'s details and ways out when it is one.
pub fn view(error: &str, refusal: Option<&Refusal>, send: &Callback<Msg>) -> Html {
    let details = refusal.filter(|r| !r.details.is_empty());
    let ways = refusal.map(|r| r.ways_out.as_slice()).unwrap_or_default();
    html! {
        <div id="error-banner" class="banner" role="alert" data-testid="error-banner">
            <div class="banner-body">
                <span id="error-text">{ error.to_string() }</span>
                if !ways.is_empty() {
                    <span class="ways-out">
                        { for ways.iter().enumerate().map(|(i, w)| html! {
                            <button class="way-out" id={format!("way-out-{i}")} onclick={send.reform(move |_| Msg::WayOut(i))}>{ w.label.clone() }</button>
                        }) }
                    </span>
                }
                if let Some(r) = details {
                    <details class="banner-details" id="error-details">
                        <summary>{ r.details_label }</summary>
                        <pre>{ r.details.clone() }</pre>
                    </details>
                }
            </div>
            <button class="close" aria-label="Dismiss" onclick={send.reform(|_| Msg::Dismiss)}>{ "×" }</button>
        </div>
    }
}
