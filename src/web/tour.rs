//! The way in: a first-visit line (shown until dismissed, remembered in the browser's
//! localStorage) and a guided start of a few steps, each highlighting one part of the page (the
//! canvas, Play, the gallery, the counters, the results) with a sentence and Next / Skip.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use yew::{component, html, use_effect_with, use_state, Callback, Html, MouseEvent};

/// The localStorage key that remembers the first-visit line was seen.
const SEEN_KEY: &str = "mcast-playground-welcomed";
/// The attribute the highlighted element wears.
const TARGET_ATTR: &str = "data-tour";

/// The guided start's steps: the element to highlight, and what to say about it.
pub const STEPS: [(&str, &str); 5] = [
    ("#stage", "The group: each dot is a member, the sender is the bright one. Packets fly between them as small coloured marks; a dot turns green once it holds every message. Click a node to inspect it; its inspector can crash it."),
    ("#play", "Play and pause the run here (or press Space). End runs the rest at once; Reset starts it over."),
    ("#preset", "The gallery: ready-made scenarios, each showing one thing the literature names. Try “NAKs without suppression”, then “SRM: the same loss, with suppression”."),
    (".panel.stats", "The counters: packets sent by kind, losses and deliveries as they happen. Hover any figure to see what it counts."),
    ("#results", "When the run is over: delivery, latency and overhead per delivery, each explained when you hover it."),
];

fn local_storage() -> Option<JsValue> {
    let window = web_sys::window()?;
    Reflect::get(&window, &JsValue::from_str("localStorage")).ok().filter(|s| s.is_object())
}

/// Calls localStorage's `method` with `args` (best effort: a browser may refuse storage).
fn storage_call(method: &str, args: &[&str]) -> Option<JsValue> {
    let storage = local_storage()?;
    let f: Function = Reflect::get(&storage, &JsValue::from_str(method)).ok()?.dyn_into().ok()?;
    match args {
        [key] => f.call1(&storage, &JsValue::from_str(key)).ok(),
        [key, value] => f.call2(&storage, &JsValue::from_str(key), &JsValue::from_str(value)).ok(),
        _ => None,
    }
}

fn seen_before() -> bool {
    storage_call("getItem", &[SEEN_KEY]).and_then(|v| v.as_string()).is_some()
}

fn remember_seen() {
    let _ = storage_call("setItem", &[SEEN_KEY, "1"]);
}

/// Moves the highlight to the element `selector` names (none for `None`): the element wears
/// the attribute `data-tour`, which the style sheet draws around.
fn highlight(selector: Option<&str>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    for (sel, _) in &STEPS {
        if let Some(el) = doc.query_selector(sel).ok().flatten() {
            if Some(*sel) == selector {
                let _ = el.set_attribute(TARGET_ATTR, "on");
                el.scroll_into_view_with_bool(false);
            } else {
                let _ = el.remove_attribute(TARGET_ATTR);
            }
        }
    }
}

/// The first-visit line, the tour button and the guided start.
#[component]
pub fn Tour() -> Html {
    let seen = use_state(seen_before);
    let step = use_state(|| None::<usize>);
    use_effect_with(*step, |s| highlight(s.and_then(|i| STEPS.get(i)).map(|(sel, _)| *sel)));
    let go = |to: Option<usize>| {
        let (step, seen) = (step.clone(), seen.clone());
        Callback::from(move |_: MouseEvent| {
            remember_seen();
            seen.set(true);
            step.set(to.filter(|&i| i < STEPS.len()));
        })
    };
    let current = step.and_then(|i| STEPS.get(i).map(|s| (i, s.1)));
    html! {
        <>
            if !*seen {
                <section class="welcome" id="welcome" aria-label="Welcome">
                    <span>{ "New here? Watch reliable-multicast protocols deliver messages to a group over a lossy network." }</span>
                    <button id="tour-start" class="primary" onclick={go(Some(0))}>{ "Take the 20-second tour" }</button>
                    <button id="welcome-dismiss" class="close" aria-label="Dismiss" onclick={go(None)}>{ "×" }</button>
                </section>
            }
            <button id="tour-open" class="tour-open" title="A guided start: five steps through the page" onclick={go(Some(0))}>{ "Tour" }</button>
            if let Some((i, words)) = current {
                <div class="tour-card" id="tour-card" role="dialog" aria-label="Guided start">
                    <p class="tour-step" id="tour-step">{ format!("Step {} of {}", i + 1, STEPS.len()) }</p>
                    <p id="tour-text">{ words }</p>
                    <div class="row">
                        <button id="tour-skip" onclick={go(None)}>{ "Skip" }</button>
                        <button id="tour-next" class="primary" onclick={go(Some(i + 1))}>{ if i + 1 == STEPS.len() { "Done" } else { "Next" } }</button>
                    </div>
                </div>
            }
        </>
    }
}
