//! The help dialog (`?`): every keyboard shortcut, read from [`super::shortcuts::SHORTCUTS`], and
//! what the canvas does with a pointer. Esc or the close button shuts it; while it is open the
//! keyboard focus stays on its close button (Tab does not leave the dialog).

use super::msg::Msg;
use super::shortcuts::{GESTURES, SHORTCUTS};
use yew::{html, Callback, Html, KeyboardEvent, MouseEvent};

/// The dialog.
pub fn view(send: &Callback<Msg>) -> Html {
    html! {
        <div class="help-backdrop" onclick={send.reform(|_: MouseEvent| Msg::ToggleHelp)}>
            <div id="help" class="help" role="dialog" aria-modal="true" aria-labelledby="help-title"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}
                onkeydown={Callback::from(|e: KeyboardEvent| if e.key() == "Tab" { e.prevent_default() })}>
                <div class="help-head">
                    <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                    <button id="help-close" aria-label="Close the help" onclick={send.reform(|_: MouseEvent| Msg::ToggleHelp)}>{ "×" }</button>
                </div>
                <table class="shortcuts">
                    <tbody>
                        { for SHORTCUTS.iter().map(|s| html! {
                            <tr><th scope="row"><kbd>{ s.label }</kbd></th><td>{ s.does }</td></tr>
                        }) }
                    </tbody>
                </table>
                <h2>{ "On the canvas" }</h2>
                <table class="shortcuts">
                    <tbody>
                        { for GESTURES.iter().map(|(g, does)| html! { <tr><th scope="row">{ *g }</th><td>{ *does }</td></tr> }) }
                    </tbody>
                </table>
                <p class="hint">{ "Keys typed into a field go to the field. Press ? again or Esc to close." }</p>
            </div>
        </div>
    }
}
