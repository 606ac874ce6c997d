//! The buttons over the group canvas: zoom in, zoom out, back to the whole group. The wheel, a
//! pinch and a drag do the same (see [`super::zoom`] and [`super::gesture`]).

use super::msg::Msg;
use super::zoom::ViewMsg;
use yew::{html, Callback, Html, MouseEvent};

/// The zoom buttons, after `extra` (the overlay's toggle); `scale` is the view's zoom (1 = the
/// whole group).
pub fn view(scale: f64, extra: Html, send: &Callback<Msg>) -> Html {
    let view = |m: ViewMsg| send.reform(move |_: MouseEvent| Msg::View(m));
    html! {
        <div class="stage-tools" role="toolbar" aria-label="View of the group">
            { extra }
            <button id="zoom-in" aria-label="Zoom in" title="Zoom in (+, wheel, pinch)" onclick={view(ViewMsg::ZoomBy(1.5))}>{ "+" }</button>
            <button id="zoom-out" aria-label="Zoom out" title="Zoom out (−)" onclick={view(ViewMsg::ZoomBy(1.0 / 1.5))}>{ "−" }</button>
            <button id="reset-view" title="Show the whole group (0)" disabled={scale <= 1.0} onclick={view(ViewMsg::Reset)}>
                { format!("Reset view ({:.1}×)", scale) }
            </button>
        </div>
    }
}
