//! The fault panel's markup: the list of the scenario's faults with a remove button each, Undo,
//! Redo and Clear, and the partition tool's button and time fields.

use super::{entries, FaultMsg, FaultRef, Panel, DEFAULT_PARTITION_MS};
use crate::web::msg::Msg;
use mcast::scenario::Scenario;
use web_sys::HtmlInputElement;
use yew::{html, Callback, Event, Html, MouseEvent, TargetCast};

fn send_fault(send: &Callback<Msg>, m: FaultMsg) -> Callback<MouseEvent> {
    send.reform(move |_: MouseEvent| Msg::Fault(m.clone()))
}

fn entry(send: &Callback<Msg>, (r, line): (FaultRef, String)) -> Html {
    html! {
        <li class="fault">
            <span class="what">{ line.clone() }</span>
            <button class="remove" aria-label={format!("Remove: {line}")} title="Remove this fault"
                onclick={send_fault(send, FaultMsg::Remove(r))}>{ "×" }</button>
        </li>
    }
}

/// The partition tool: its button and the window it cuts.
fn tool(p: &Panel, send: &Callback<Msg>) -> Html {
    let field = |f: fn(String) -> FaultMsg| {
        send.reform(move |e: Event| Msg::Fault(f(e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    html! {
        <div class="partition-tool">
            <button id="partition-tool" aria-pressed={p.tool.to_string()} class={if p.tool { "primary" } else { "" }}
                title="Then drag a rectangle on the canvas: the nodes inside are cut off from the rest until the heal time"
                onclick={send_fault(send, FaultMsg::Tool)}>
                { if p.tool { "Drag a region on the canvas…" } else { "Draw partition" } }
            </button>
            <div class="row">
                <label for="partition-from">{ "from (ms)" }</label>
                <input id="partition-from" type="number" min="0" placeholder="now" value={p.from.clone()} onchange={field(FaultMsg::From)} />
                <label for="partition-heal">{ "heals at (ms)" }</label>
                <input id="partition-heal" type="number" min="0" placeholder={format!("+{DEFAULT_PARTITION_MS}")} value={p.heal.clone()} onchange={field(FaultMsg::Heal)} />
            </div>
        </div>
    }
}

/// The fault panel for scenario `s`.
pub fn view(s: &Scenario, p: &Panel, send: &Callback<Msg>) -> Html {
    let list = entries(s);
    let (undo, redo) = p.history.can();
    html! {
        <div class="faults" id="faults">
            <h2>{ format!("Faults ({})", list.len()) }</h2>
            if list.is_empty() {
                <p class="hint" id="no-faults">{ "None: click a node and press its inspector's Crash this node now, or draw a partition." }</p>
            } else {
                <ul id="fault-list" class="fault-list">{ for list.into_iter().map(|e| entry(send, e)) }</ul>
            }
            <div class="row buttons fault-buttons">
                <button id="fault-undo" disabled={!undo} onclick={send_fault(send, FaultMsg::Undo)}>{ "Undo" }</button>
                <button id="fault-redo" disabled={!redo} onclick={send_fault(send, FaultMsg::Redo)}>{ "Redo" }</button>
                <button id="fault-clear" disabled={s.faults.is_empty() && s.network.partitions.is_empty()}
                    onclick={send_fault(send, FaultMsg::Clear)}>{ "Clear" }</button>
            </div>
            { tool(p, send) }
        </div>
    }
}
