//! The run toolbar, sticky above the canvas: Play/Pause, Step and Back (by one event, to the next
//! packet sent, or by one round), Reset, End, the time slider and the simulated time, Run until
//! a time or until every owed delivery is made, the run's duration (part of the scenario) and
//! the animation speed; while a long move runs, its progress and a Cancel button. Its items wrap
//! onto more lines on a narrow screen.

use super::msg::{Field, Msg, StepKind, TimeMsg, STEP_MS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::{component, html, Callback, Event, Html, InputEvent, MouseEvent, Properties, TargetCast};

/// What the toolbar shows.
pub struct Bar<'a> {
    /// Whether the run is playing.
    pub playing: bool,
    /// Whether the run is over.
    pub done: bool,
    /// Simulated time now (ms).
    pub now_ms: f64,
    /// When the run ends (ms): the scenario's `duration_ms`.
    pub end_ms: f64,
    /// The furthest simulated time run so far (ms).
    pub furthest_ms: f64,
    /// Checkpoints kept to seek back from.
    pub checkpoints: usize,
    /// A long move in progress: what it is and how far it has come (0 to 1).
    pub progress: Option<(&'static str, f64)>,
    /// What a step is.
    pub step: StepKind,
    /// The round length in the round-synchronous mode (ms).
    pub round_ms: Option<f64>,
    /// The animation speed (simulated time per real time).
    pub speed: f64,
    /// Refused edits so far: the duration field is keyed on it, so a refusal puts it back.
    pub refused_edits: u32,
    /// Where the toolbar sends what the user did.
    pub send: &'a Callback<Msg>,
}

fn time(send: &Callback<Msg>, m: TimeMsg) -> Callback<MouseEvent> {
    send.reform(move |_: MouseEvent| Msg::Time(m))
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.3} s", v / 1000.0)
    } else {
        format!("{v:.1} ms")
    }
}

/// The toolbar.
pub fn view(b: &Bar) -> Html {
    let send = b.send;
    let round = match b.round_ms {
        Some(r) => format!("One round ({r} ms)"),
        None => format!("{STEP_MS} ms"),
    };
    let step_kind = send.reform(|e: Event| {
        Msg::Time(TimeMsg::StepBy(match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
            "packet" => StepKind::Packet,
            "round" => StepKind::Round,
            _ => StepKind::Event,
        }))
    });
    html! {
        <div class="toolbar" id="toolbar" role="toolbar" aria-label="Run">
            <div class="group">
                <button id="play" class="primary" title="Play or pause (Space)" onclick={send.reform(|_: MouseEvent| Msg::TogglePlay)}>
                    { if b.playing { "Pause" } else if b.done { "Replay" } else { "Play" } }
                </button>
                <button id="back" title="Back one step (←): to where the last step started" onclick={time(send, TimeMsg::Back)}>{ "◀ Back" }</button>
                <button id="step" title="Step forward (→)" onclick={time(send, TimeMsg::Step)}>{ "Step ▶" }</button>
                <select id="step-kind" aria-label="What a step is" title="What Step and Back move by" onchange={step_kind}>
                    <option value="event" selected={b.step == StepKind::Event}>{ "One event" }</option>
                    <option value="packet" selected={b.step == StepKind::Packet}>{ "Next packet sent" }</option>
                    <option value="round" selected={b.step == StepKind::Round}>{ round }</option>
                </select>
                <button id="reset" title="Start again from time zero (R)" onclick={send.reform(|_: MouseEvent| Msg::Reset)}>{ "Reset" }</button>
                <button id="finish" title="Run the rest, in slices, with its progress (End)" onclick={send.reform(|_: MouseEvent| Msg::Finish)}>{ "End" }</button>
            </div>
            { slider(b) }
            { until(b) }
            { settings(b) }
            { progress(b) }
        </div>
    }
}

/// The time slider over [0, run end] and the simulated time.
fn slider(b: &Bar) -> Html {
    let seek = b.send.reform(|e: InputEvent| {
        Msg::Time(TimeMsg::Seek(e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0.0)))
    });
    let step = (b.end_ms / 1000.0).max(0.001);
    html! {
        <div class="group time">
            <span class="slider-run" id="slider-run" style={format!("--reached:{:.4}", reached(b))}>
                <input type="range" id="time-slider" aria-label="Simulated time" min="0" max={b.end_ms.to_string()}
                    step={step.to_string()} value={b.now_ms.to_string()} oninput={seek}
                    data-checkpoints={b.checkpoints.to_string()} data-furthest-ms={b.furthest_ms.to_string()}
                    title={format!("Drag to seek: back from the nearest of {} checkpoints, forward by running; the strip under it is the part run so far (to {}); Home seeks to 0", b.checkpoints, ms(b.furthest_ms))} />
            </span>
            <span id="toolbar-time" class="now" title="Simulated time now, and when the run ends">
                { format!("{} / {}", ms(b.now_ms), ms(b.end_ms)) }
            </span>
        </div>
    }
}

/// How far along the slider the run has been simulated (its furthest point), from 0 to 1: the
/// strip under the slider, like a video's buffered part; seeking past it runs forward.
fn reached(b: &Bar) -> f64 {
    if b.end_ms > 0.0 {
        (b.furthest_ms / b.end_ms).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Run until a time, or until every owed delivery is made.
fn until(b: &Bar) -> Html {
    let go = b.send.reform(|e: Event| {
        Msg::Time(TimeMsg::Seek(
            e.target_unchecked_into::<HtmlInputElement>().value().trim().parse().unwrap_or(f64::NAN),
        ))
    });
    html! {
        <div class="group">
            <label for="until-ms">{ "Run until (ms)" }</label>
            <input id="until-ms" type="number" min="0" placeholder="ms" title="Type a simulated time in ms and press Enter: the run goes there (back or forward)" onchange={go} />
            <button id="run-delivered" title="Run on until every message has been sent and every delivery owed is made (Deliveries made = owed), or the end"
                onclick={time(b.send, TimeMsg::UntilDelivered)}>{ "Until delivered" }</button>
        </div>
    }
}

/// The run's duration (part of the scenario) and the animation speed.
fn settings(b: &Bar) -> Html {
    let send = b.send;
    let speed = send.reform(|e: Event| Msg::Set(Field::Speed, e.target_unchecked_into::<HtmlSelectElement>().value()));
    let current = format!("{}", b.speed);
    html! {
        <div class="group">
            <DurationField end_ms={b.end_ms} refused_edits={b.refused_edits} send={send.clone()} />
            <label for="speed">{ "Speed" }</label>
            <select id="speed" title="Simulated time per real time while playing" onchange={speed}>
                { for ["0.02", "0.1", "0.25", "1", "4", "20"].into_iter().map(|v| html! {
                    <option value={v} selected={v == current.as_str()}>{ format!("{v}×") }</option>
                }) }
            </select>
        </div>
    }
}

/// A long move's progress (percent of its simulated time) and its Cancel button.
fn progress(b: &Bar) -> Html {
    let Some((what, done)) = b.progress else { return html! {} };
    let percent = (done * 100.0).floor();
    html! {
        <div class="group busy" id="progress" role="status">
            <span id="progress-label">{ what }</span>
            <progress id="progress-bar" max="100" value={percent.to_string()}></progress>
            <span id="progress-percent">{ format!("{percent} %") }</span>
            <button id="cancel" title="Stop here" onclick={time(b.send, TimeMsg::Cancel)}>{ "Cancel" }</button>
        </div>
    }
}

/// What the duration field shows; it re-renders only when these change, so the toolbar's
/// updates while the run plays never reset a value the user is typing.
#[derive(Properties, PartialEq)]
struct DurationProps {
    /// The scenario's `duration_ms`.
    end_ms: f64,
    /// Refused edits so far: the field is keyed on it, so a refusal puts it back.
    refused_edits: u32,
    /// Where the field sends an edit.
    send: Callback<Msg>,
}

/// The run's duration, part of the scenario (a share link carries it).
#[component]
fn DurationField(p: &DurationProps) -> Html {
    let duration =
        p.send.reform(|e: Event| Msg::Set(Field::Duration, e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <>
            <label for="duration">{ "Duration (ms)" }</label>
            <input key={p.refused_edits.to_string()} id="duration" type="number" min="1" value={p.end_ms.to_string()}
                title="When the run ends (the scenario's duration_ms; a share link carries it)" onchange={duration} />
        </>
    }
}
