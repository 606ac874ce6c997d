//! The scenario as JSON, to read, edit and apply. The text box is the user's: the page writes
//! into it only when the applied scenario changes (never on play, pause, the run's end or a
//! refused edit), and says "edited, not applied" while what is typed differs from what runs.

use super::msg::Msg;
use mcast::scenario::Scenario;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::{
    component, html, use_effect_with, use_memo, use_node_ref, use_state, Callback, Html, InputEvent, MouseEvent,
    Properties,
};

/// What the editor shows: the applied scenario, and where to send an apply.
#[derive(Properties, PartialEq)]
pub struct JsonEditorProps {
    /// The applied scenario.
    pub scenario: Rc<Scenario>,
    /// Where the editor sends [`Msg::ApplyJson`].
    pub send: Callback<Msg>,
}

/// The JSON editor with its Apply (and, while edited, Revert) button.
#[component]
pub fn JsonEditor(p: &JsonEditorProps) -> Html {
    let editor = use_node_ref();
    let applied = use_memo(p.scenario.clone(), |s| s.to_json_pretty());
    let edited = use_state(|| false);
    {
        // The applied scenario changed (by content, not a restart of the same one): show it.
        let (editor, edited) = (editor.clone(), edited.clone());
        use_effect_with(applied.clone(), move |json| {
            if let Some(t) = editor.cast::<HtmlTextAreaElement>() {
                t.set_value(json);
            }
            edited.set(false);
        });
    }
    let text = {
        let editor = editor.clone();
        move || editor.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default()
    };
    let on_input = {
        let (applied, edited, text) = (applied.clone(), edited.clone(), text.clone());
        Callback::from(move |_: InputEvent| edited.set(text() != *applied))
    };
    let apply = p.send.reform(move |_: MouseEvent| Msg::ApplyJson(text()));
    let revert = {
        let (editor, edited) = (editor.clone(), edited.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = editor.cast::<HtmlTextAreaElement>() {
                t.set_value(&applied);
            }
            edited.set(false);
        })
    };
    html! {
        <details class="json">
            <summary>
                { "Scenario JSON (for the CLI)" }
                if *edited { <span class="json-edited" id="json-edited" title="What is typed here differs from the scenario that runs: Apply JSON runs it, Revert puts back what runs">{ "edited, not applied" }</span> }
            </summary>
            <textarea id="scenario-json" ref={editor} spellcheck="false" oninput={on_input} />
            <div class="row">
                <button id="apply-json" onclick={apply}>{ "Apply JSON" }</button>
                if *edited { <button id="revert-json" onclick={revert}>{ "Revert" }</button> }
            </div>
        </details>
    }
}
