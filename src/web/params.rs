//! The protocol picker and its parameter editor, built from each protocol's [`ParamDoc`] list:
//! one control per parameter, with its unit, its default and its source, so a protocol added to
//! the engine shows up here without UI code of its own.
//!
//! It turns the editor's text into the scenario's parameters: no index or string slice here can
//! panic.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use super::msg::{Field, Msg};
use mcast::protocols::{registry, ParamDoc, ParamKind};
use mcast::scenario::{ProtocolSpec, Scenario};
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::{html, Callback, Event, Html, TargetCast};

/// What the picker calls each protocol kind (the registry's title).
pub fn title(kind: &str) -> &str {
    registry::family(kind).map_or(kind, |f| f.title())
}

/// A parameter's value as the controls show it: numbers and names as written, booleans as
/// `true`/`false`, anything missing as empty.
fn shown(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(list)) => list.iter().map(Value::to_string).collect::<Vec<_>>().join(", "),
        Some(Value::Null) | None => String::new(),
        // `100.0` reads as 100 in a form.
        Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x.fract() == 0.0 && x.abs() < 1e15) => {
            format!("{}", n.as_f64().unwrap_or_default())
        }
        Some(v) => v.to_string(),
    }
}

/// The protocol's parameters as a JSON object (empty if it cannot be written, which does not
/// happen for the engine's own types).
fn values(p: &ProtocolSpec) -> serde_json::Map<String, Value> {
    match serde_json::to_value(p) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

fn on_select(send: &Callback<Msg>, field: Field) -> Callback<Event> {
    send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlSelectElement>().value()))
}

fn on_input(send: &Callback<Msg>, field: Field) -> Callback<Event> {
    send.reform(move |e: Event| Msg::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// One parameter's control, labelled with its unit, titled with what it does and its source.
fn control(kind: &str, doc: &'static ParamDoc, value: &str, default: &str, send: &Callback<Msg>) -> Html {
    let id = format!("param-{}", doc.field);
    let field = Field::Param(doc.field);
    let label = if doc.unit.is_empty() { doc.label.to_string() } else { format!("{} ({})", doc.label, doc.unit) };
    let title = format!("{}. Default {default}. Source: {}.", doc.help, doc.source);
    let input = match doc.kind {
        ParamKind::Bool => html! {
            <select id={id.clone()} title={title.clone()} onchange={on_select(send, field)}>
                <option value="true" selected={value == "true"}>{ "on" }</option>
                <option value="false" selected={value != "true"}>{ "off" }</option>
            </select>
        },
        ParamKind::Choice(names) => html! {
            <select id={id.clone()} title={title.clone()} onchange={on_select(send, field)}>
                { for names.iter().map(|n| html! { <option value={*n} selected={*n == value}>{ *n }</option> }) }
            </select>
        },
        ParamKind::Int { min, max } => html! {
            <input id={id.clone()} type="number" min={min.to_string()} max={max.to_string()} step="1"
                title={title.clone()} value={value.to_string()} onchange={on_input(send, field)} />
        },
        ParamKind::Float { min, max } => html! {
            <input id={id.clone()} type="number" min={min.to_string()} max={max.to_string()} step="any"
                title={title.clone()} value={value.to_string()} onchange={on_input(send, field)} />
        },
        ParamKind::Nodes { .. } => html! {
            <input id={id.clone()} type="text" placeholder="e.g. 5, 17, 40"
                title={title.clone()} value={value.to_string()} onchange={on_input(send, field)} />
        },
    };
    html! {
        <div class="param">
            <label for={id}>{ label }</label>
            { input }
            <p class="param-doc">
                if let Some(t) = super::explain::term(kind, doc.field) { <span class="term">{ t }</span>{ " " } }
                { format!("{}{}. ", doc.help.get(..1).unwrap_or_default().to_uppercase(), doc.help.get(1..).unwrap_or_default()) }
                <span class="cite">{ format!("Default {default} · {}", doc.source) }</span>
            </p>
        </div>
    }
}

/// The protocol picker.
pub fn picker(s: &Scenario, send: &Callback<Msg>) -> Html {
    let kind = s.protocol.kind();
    html! {
        <>
            <label for="protocol">{ "Protocol" }</label>
            <select id="protocol" onchange={on_select(send, Field::Protocol)}>
                { for ProtocolSpec::kinds().map(|k| html! {
                    <option value={k} selected={k == kind}>{ title(k) }</option>
                }) }
            </select>
        </>
    }
}

/// The current protocol's parameters.
pub fn editor(s: &Scenario, send: &Callback<Msg>) -> Html {
    let kind = s.protocol.kind();
    let current = values(&s.protocol);
    let defaults = ProtocolSpec::default_of(kind).map(|d| values(&d)).unwrap_or_default();
    html! {
        <>
            <details class="params" open=true>
                <summary>{ format!("{} parameters", title(kind)) }</summary>
                { for s.protocol.params().iter().map(|doc| control(
                    kind,
                    doc,
                    &shown(current.get(doc.field)),
                    &shown(defaults.get(doc.field)),
                    send,
                )) }
            </details>
        </>
    }
}
