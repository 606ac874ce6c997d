//! The playground component: holds the applied scenario and its running simulation, handles what
//! the user does ([`Msg`]), and drives the animation loop. What an edit does to the scenario is
//! [`super::form`]'s; drawing the canvases is the [`Stage`]'s; the markup is [`super::view`]'s,
//! which reads what to show from [`App::page`] and nothing else.

use super::compare::Comparison;
use super::faults::{self, FaultMsg, FaultSet};
use super::gesture::{Action, Gesture};
use super::live::Live;
use super::msg::{Field, Msg, StepKind, TimeMsg};
use super::opening::Opening;
use super::refusal::{refusal, Refusal};
use super::results::Summary;
use super::selection::{nearest_in_direction, Direction, Selection};
use super::sequence::Sequence;
use super::stage::Stage;
use super::timeline::{Target, Timeline};
use super::view::{self, Page, Shown};
use super::zoom::{wheel_factor, PointerPhase, ViewMsg};
use super::{dom, form};
use gloo_render::{request_animation_frame, AnimationFrame};
use mcast::engine::{self, NodeView, Simulation};
use mcast::scenario::{link, Limits, Scenario, ScenarioError};
use std::rc::Rc;
use yew::{Callback, Component, Context, Html};

/// What every refused scenario's message ends with.
const UNCHANGED: &str = ". Your current scenario is unchanged.";

/// The playground.
pub struct App {
    /// The applied scenario, which the running simulation replays.
    scenario: Rc<Scenario>,
    sim: Box<dyn Simulation>,
    playing: bool,
    /// Simulated time per real time.
    speed: f64,
    /// The error banner's text.
    error: Option<String>,
    /// The refusal behind the banner, when it is one: its details and ways out. The banner
    /// stays until the user dismisses it or makes an edit that runs.
    refusal: Option<Refusal>,
    /// A preset's skip ahead to where its action starts, while it runs.
    opening: Option<Opening>,
    /// Refused control edits so far: the controls are rebuilt from the running scenario after
    /// each, so no field keeps showing a value that does not run.
    refused_edits: u32,
    share_link: String,
    /// What the counters show, as last rendered.
    shown: Shown,
    /// The run's results, once it is over.
    summary: Option<Summary>,
    /// The scenario under every protocol, while the table is open.
    comparison: Option<Comparison>,
    send: Callback<Msg>,
    stage: Stage,
    /// The picked nodes, what the inspector shows of the selected one (as of the last render),
    /// the sequence diagram, and the last selection announced to screen readers.
    selection: Selection,
    inspected: Option<NodeView>,
    sequence: Sequence,
    announced: String,
    /// The next animation frame, and the page times (ms) of the last frame and the last render.
    frame: Option<AnimationFrame>,
    last_ts: Option<f64>,
    last_render_ts: f64,
    _hash_listener: Option<dom::HashListener>,
    _key_listener: Option<dom::KeyListener>,
    /// The run's checkpoints and the move in time in progress.
    timeline: Timeline,
    /// What a Step moves by.
    step_kind: StepKind,
    /// The fault panel (history, partition tool), the canvas's gestures, the help dialog, the
    /// screen reader's live region, and whether the user asked for reduced motion.
    faults: faults::Panel,
    gesture: Gesture,
    help: bool,
    /// What had the keyboard focus when the help opened: it gets it back when the help closes.
    help_opener: Option<web_sys::HtmlElement>,
    live: Live,
    reduced_motion: bool,
    _wheel_listener: Option<dom::WheelListener>,
}

impl App {
    fn start(scenario: &Scenario) -> Result<Box<dyn Simulation>, ScenarioError> {
        let mut sim = engine::build_with(scenario, &Limits::BROWSER)?;
        sim.set_recording(true);
        // For the inspector, the sequence diagram and the trace export (bounded; it changes
        // nothing in the run).
        sim.set_packet_log(true);
        // For the chart: 1 ms buckets, widened to fit the run in 10,000; in rounds mode whole
        // rounds, since every packet leaves at a round's start and finer buckets would show
        // spikes between empty columns.
        let bucket = match scenario.network.mode {
            mcast::scenario::NetworkMode::Rounds { round_ms } => mcast::time::SimDuration::from_ms_f64(round_ms),
            mcast::scenario::NetworkMode::Async => mcast::time::SimDuration::from_ms(1),
        };
        sim.record_series(bucket);
        Ok(sim)
    }

    /// The scenario the page opens with and its run: the link's, or the default with a word on
    /// why the link's could not be used.
    fn opening() -> (Scenario, Box<dyn Simulation>, Option<String>) {
        let fragment = dom::fragment();
        let (scenario, error) = if fragment.is_empty() {
            (Scenario::default_playground(), None)
        } else {
            match link::decode(&fragment, &Limits::BROWSER) {
                Ok(s) => (s, None),
                Err(e) => (
                    Scenario::default_playground(),
                    Some(format!("Could not open this link: {e}. Showing the default scenario instead.")),
                ),
            }
        };
        match Self::start(&scenario) {
            Ok(sim) => (scenario, sim, error),
            Err(e) => {
                let d = Scenario::default_playground();
                let sim = Self::start(&d).unwrap_or_else(|_| unreachable!("the default scenario is valid"));
                (d, sim, Some(format!("{e}")))
            }
        }
    }

    /// Replaces the scenario and restarts; on a bad scenario keeps the current one and says why.
    fn load(&mut self, scenario: Scenario) {
        match Self::start(&scenario) {
            Ok(sim) => {
                self.stage.restart(&scenario);
                self.scenario = Rc::new(scenario);
                self.sim = sim;
                self.timeline = Timeline::new(self.sim.as_ref(), self.scenario.group.size);
                self.share_link.clear();
                self.summary = None;
                self.comparison = None;
                self.selection.keep_within(self.scenario.group.size, self.sim.message_count());
                self.stage.select(&self.selection);
                self.opening = None;
            }
            Err(e) => self.error = Some(format!("{e}{UNCHANGED}")),
        }
    }

    /// Loads `edit`'s scenario (an edit that runs takes the banner away), or says why it was
    /// refused after `what` (where it came from); `attempted` is the refused scenario, if the
    /// text could be read, for the refusal to say what it would cost and offer a way out.
    fn load_or_refuse(&mut self, what: &str, edit: Result<Scenario, ScenarioError>, attempted: Option<Scenario>) {
        match edit {
            Ok(s) => {
                let before = Rc::clone(&self.scenario);
                self.load(s);
                if !Rc::ptr_eq(&before, &self.scenario) {
                    self.error = None;
                    self.refusal = None;
                }
            }
            Err(e) => {
                let r = refusal(what, attempted.as_ref(), &e);
                self.error = Some(r.headline.clone());
                self.refusal = Some(r);
            }
        }
    }

    /// A control's edit: loaded, or refused with the controls put back to the running scenario
    /// (the banner says why), so that no control shows a value that does not run.
    fn edit_control(&mut self, edit: Result<Scenario, ScenarioError>, attempted: Option<Scenario>) {
        let before = Rc::clone(&self.scenario);
        self.load_or_refuse("", edit, attempted);
        if Rc::ptr_eq(&before, &self.scenario) {
            self.refused_edits = self.refused_edits.wrapping_add(1);
        }
    }

    /// A preset just loaded from `file`: skip to where its action starts, at its own speed.
    fn open_preset(&mut self, file: &str) {
        if let Some((at_ms, speed)) = super::explain::opening(file) {
            self.opening = Some(Opening::to(at_ms));
            self.speed = speed;
            self.playing = true;
        }
    }

    /// After a restart of a preset with an opening of its own: skip to it again (the speed
    /// stays the user's).
    fn reopen(&mut self) {
        let preset = super::gallery::matching(&self.scenario);
        if let Some((at_ms, _)) = preset.and_then(|p| super::explain::opening(p.file)) {
            self.opening = Some(Opening::to(at_ms));
        }
    }

    /// What the page shows.
    fn page(&self) -> Page<'_> {
        Page {
            scenario: &self.scenario,
            playing: self.playing,
            error: self.error.as_deref(),
            refusal: self.refusal.as_ref().filter(|r| self.error.as_deref() == Some(r.headline.as_str())),
            share_link: &self.share_link,
            shown: &self.shown,
            stage: self.stage.canvas(),
            chart: self.stage.chart(),
            informed: self.stage.informed(),
            summary: self.summary.as_ref(),
            comparison: self.comparison.as_ref(),
            selection: &self.selection,
            inspected: self.inspected.as_ref(),
            hover_state: self.selection.hover.and_then(|h| self.stage.state_of(h.0)),
            hover_attacker: self.selection.hover.is_some_and(|h| self.stage.is_attacker(h.0)),
            hover_links: self.selection.hover.map(|h| self.stage.overlay_links(h.0)).unwrap_or_default(),
            overlay: {
                let (kinds, on) = self.stage.overlay_kinds();
                super::overlay_view::Shown { kinds, on }
            },
            sequence: self.sequence.canvas(),
            messages: self.sim.message_count(),
            announced: &self.announced,
            refused_edits: self.refused_edits,
            send: &self.send,
            bar: self.bar(),
            faults: &self.faults,
            help: self.help,
            live: &self.live,
            scale: self.stage.scale(),
            reduced_motion: self.reduced_motion,
        }
    }

    /// What the counters show now, the deliveries owed included.
    fn shown_now(&self) -> Shown {
        Shown { owed: self.sim.owed(), ..self.current() }
    }

    /// What the counters show now, but the deliveries owed as last shown (they take a pass over
    /// every message: computed only when the counters are redrawn).
    fn current(&self) -> Shown {
        Shown {
            counters: self.sim.counters(),
            now_tenth_ms: self.sim.now().0 / 100,
            hash: self.sim.trace_hash(),
            done: self.sim.is_done(),
            stopped: self.sim.stopped().map(|s| s.reason()),
            crashed: self.stage.crashed(),
            infective: self.stage.infective(),
            epidemic: self.stage.epidemic(),
            owed: self.shown.owed,
        }
    }

    /// Play or pause; a run that is over plays again from the start; a move in time in progress
    /// (End, a seek) stops where it is.
    fn toggle_play(&mut self) {
        if self.timeline.job().is_some() {
            self.timeline.cancel();
            self.playing = false;
        } else if self.sim.is_done() {
            self.load(Scenario::clone(&self.scenario));
            self.playing = true;
        } else {
            self.playing = !self.playing;
        }
    }

    /// Puts the scenario in the URL and on the clipboard, and shows the link.
    fn share(&mut self) {
        let fragment = match link::encode_checked(&self.scenario) {
            Ok(fragment) => fragment,
            Err(e) => {
                self.error = Some(format!("{e}."));
                return;
            }
        };
        dom::set_fragment(&fragment);
        self.share_link = format!("{}#{fragment}", dom::base_url());
        dom::copy(&self.share_link);
    }

    /// Opens a link pasted into the address bar (not the page's own, which Share wrote).
    fn load_fragment(&mut self) {
        let fragment = dom::fragment();
        if !fragment.is_empty() && fragment != link::encode(&self.scenario) {
            self.load_or_refuse("Could not open this link: ", link::decode(&fragment, &Limits::BROWSER), None);
        }
    }

    /// Crashes `node` now, if it is up. The crash goes into the scenario (so a share link
    /// replays it) and the run is rebuilt and fast-forwarded to this moment, so what plays on is
    /// exactly the replay of the new scenario.
    fn crash(&mut self, node: u32) {
        if !self.stage.is_live(node) {
            return;
        }
        self.edit_faults(Ok(form::with_crash(&self.scenario, node, self.sim.now())), true);
    }

    /// A fault edit: the new scenario is loaded and replayed to this moment (in slices, see
    /// [`Timeline::go`]), and, when `record`, the faults it replaced go on the undo history; a refused
    /// edit leaves everything as it was and says why.
    fn edit_faults(&mut self, edit: Result<Scenario, ScenarioError>, record: bool) -> bool {
        let (before, now, playing) = (Rc::clone(&self.scenario), self.sim.now(), self.playing);
        self.load_or_refuse("", edit, None);
        if Rc::ptr_eq(&before, &self.scenario) {
            return false;
        }
        if record {
            self.faults.history.record(FaultSet::of(&before));
        }
        // Back to this moment in slices, with the toolbar's progress: late in a large run the
        // replay can take seconds.
        self.timeline.go(&mut self.sim, Target::Time(now));
        self.playing = playing;
        true
    }

    /// What the fault panel asked for.
    fn on_fault(&mut self, m: FaultMsg) {
        let s = Rc::clone(&self.scenario);
        match m {
            FaultMsg::Remove(r) => _ = self.edit_faults(faults::without(&s, r), true),
            FaultMsg::Clear => _ = self.edit_faults(FaultSet::none().applied_to(&s), true),
            FaultMsg::Undo => {
                if let Some(back) = self.faults.history.undo(FaultSet::of(&s)) {
                    if !self.edit_faults(back.applied_to(&s), false) {
                        self.faults.history.redo(back);
                    }
                }
            }
            FaultMsg::Redo => {
                if let Some(forward) = self.faults.history.redo(FaultSet::of(&s)) {
                    if !self.edit_faults(forward.applied_to(&s), false) {
                        self.faults.history.undo(forward);
                    }
                }
            }
            FaultMsg::Tool => {
                self.faults.tool = !self.faults.tool;
                self.stage.set_region(None);
            }
            FaultMsg::From(v) => self.faults.from = v,
            FaultMsg::Heal(v) => self.faults.heal = v,
        }
    }

    /// Zoom, pan, pinch and the partition tool's drag; re-renders only when the controls change.
    fn on_view(&mut self, m: ViewMsg) -> bool {
        match m {
            ViewMsg::Pointer(phase, id, x, y) => return self.on_pointer(phase, id, (x, y)),
            ViewMsg::Wheel(x, y, dy) => self.stage.zoom_at(Some((x, y)), wheel_factor(dy)),
            ViewMsg::ZoomBy(k) => self.stage.zoom_at(None, k),
            ViewMsg::Reset => self.stage.reset_view(),
        }
        true
    }

    fn on_pointer(&mut self, phase: PointerPhase, id: i32, p: (f64, f64)) -> bool {
        match self.gesture.on(phase, id, p, self.faults.tool) {
            Action::None => false,
            Action::Pan(dx, dy) => {
                self.stage.pan((dx, dy));
                false
            }
            Action::Pinch(at, k) => {
                self.stage.zoom_at(Some(at), k);
                true
            }
            Action::Region(a, b, false) => {
                self.stage.set_region(Some((a, b)));
                false
            }
            Action::Region(a, b, true) => {
                self.stage.set_region(None);
                self.faults.tool = false;
                let inside = self.stage.nodes_in(self.sim.as_ref(), self.scenario.group.size, a, b);
                let window = faults::window(&self.faults.from, &self.faults.heal, self.sim.now());
                let edit = window.and_then(|w| faults::with_partition(&self.scenario, inside, w));
                self.edit_faults(edit, true);
                self.stage.draw(self.sim.as_mut());
                self.shown = self.shown_now();
                true
            }
        }
    }

    /// Opens or closes the help; closing it hands the keyboard focus back to what had it.
    fn set_help(&mut self, open: bool) {
        if open && !self.help {
            self.help_opener = dom::focused();
        } else if !open {
            if let Some(el) = self.help_opener.take() {
                dom::refocus(&el);
            }
        }
        self.help = open;
    }

    /// Esc: the help closes, or else the partition tool stops.
    fn escape(&mut self) {
        if self.help {
            self.set_help(false);
        } else if self.faults.tool {
            self.faults.tool = false;
            self.stage.set_region(None);
        }
    }

    /// Redraws the chart and, once the run is over, computes its results (once).
    fn after_progress(&mut self) {
        if !self.sim.is_done() {
            self.summary = None;
        } else if self.summary.is_none() {
            let report = self.sim.report();
            let mut upstreams = Vec::new();
            self.sim.upstreams(&mut upstreams);
            let notes = super::notes::after_run(&self.scenario, &report, &upstreams, &self.sim.node_packets());
            self.summary = Some(Summary::of(&report).with_notes(notes));
        }
        self.stage.draw_chart(self.sim.as_ref(), self.shown.owed.1);
    }

    /// What the run toolbar shows.
    fn bar(&self) -> super::toolbar::Bar<'_> {
        let job = self.timeline.job().map(|j| {
            let what = match j.target {
                Target::End => "Running to the end",
                Target::Delivered(_) => "Running until delivered",
                _ => "Seeking",
            };
            (what, self.timeline.progress(self.sim.as_ref()))
        });
        super::toolbar::Bar {
            // A move in time is the run moving: its button pauses (stops) it.
            playing: self.playing || job.is_some(),
            done: self.shown.done,
            now_ms: self.shown.now_tenth_ms as f64 / 10.0,
            end_ms: self.scenario.duration_ms,
            furthest_ms: self.timeline.furthest().as_ms_f64(),
            checkpoints: self.timeline.kept(),
            progress: job,
            step: self.step_kind,
            round_ms: self.round_ms(),
            speed: self.speed,
            refused_edits: self.refused_edits,
            send: &self.send,
        }
    }

    /// The round length in the round-synchronous mode.
    fn round_ms(&self) -> Option<f64> {
        match self.scenario.network.mode {
            mcast::scenario::NetworkMode::Rounds { round_ms } => Some(round_ms),
            mcast::scenario::NetworkMode::Async => None,
        }
    }

    /// A move in simulated time from the toolbar or its keys; the run pauses for it.
    fn move_in_time(&mut self, m: TimeMsg) {
        let round = mcast::time::SimDuration::from_ms_f64(self.round_ms().unwrap_or(super::msg::STEP_MS));
        if m != TimeMsg::Cancel && !matches!(m, TimeMsg::StepBy(_)) {
            self.playing = false;
            self.opening = None;
        }
        match m {
            TimeMsg::Step => self.timeline.step(&mut self.sim, self.step_kind, round),
            TimeMsg::Back => self.timeline.back(&mut self.sim, self.step_kind, round),
            TimeMsg::StepBy(kind) => self.step_kind = kind,
            TimeMsg::Seek(ms) if ms.is_finite() && ms >= 0.0 => {
                self.timeline.forget_steps();
                let t = mcast::time::SimTime(mcast::time::SimDuration::from_ms_f64(ms).0);
                self.timeline.go(&mut self.sim, Target::Time(t));
            }
            TimeMsg::Seek(_) => self.error = Some("Run until: not a time in milliseconds.".to_string()),
            TimeMsg::UntilDelivered => {
                self.timeline.forget_steps();
                let last_send = self.last_send();
                self.timeline.go(&mut self.sim, Target::Delivered(last_send));
            }
            TimeMsg::Cancel => self.timeline.cancel(),
        }
        // A short move arrives at once; a long one goes on in the frame loop.
        self.timeline.advance(&mut self.sim, super::timeline::SLICE_MS, dom::now_ms);
        self.stage_after_move();
    }

    /// Tells the stage the run moved in time, and whether the move has arrived.
    fn stage_after_move(&mut self) {
        if self.timeline.job().is_none() {
            self.stage.arrived();
        } else {
            self.stage.moved();
        }
    }

    /// When the workload's last message is sent.
    fn last_send(&self) -> mcast::time::SimTime {
        let plan = self.scenario.compile(&Limits::BROWSER).map(|p| p.into_setup());
        plan.ok().and_then(|s| s.messages.iter().map(|m| m.0).max()).unwrap_or_default()
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    /// One animation frame: a slice of the comparison, the run advanced by the time since the
    /// last frame, the stage redrawn, and the counters re-rendered a few times a second.
    fn on_frame(&mut self, ctx: &Context<Self>, ts: f64) -> bool {
        let dt = self.last_ts.map_or(0.0, |l| (ts - l).clamp(0.0, 100.0));
        self.last_ts = Some(ts);
        // A comparison in progress takes a slice of events per frame, so the page stays live.
        let compared = self.comparison.as_mut().is_some_and(|c| c.frame(dt * self.speed));
        let moved_in_time = self.timeline.job().is_some();
        if let Some(o) = &self.opening {
            if o.advance(self.sim.as_mut()) {
                self.opening = None;
            }
            self.timeline.observe(self.sim.as_ref());
            self.stage.moved();
        } else if moved_in_time {
            self.timeline.advance(&mut self.sim, super::timeline::SLICE_MS, dom::now_ms);
            self.stage_after_move();
        } else if self.playing {
            if self.sim.is_done() {
                self.playing = false;
            } else {
                let advance = mcast::time::SimDuration::from_ms_f64(dt * self.speed);
                // Once nothing is left the clock stays at the last event, as in the CLI's report.
                self.sim.run_until_within(self.sim.now() + advance, u64::MAX);
                self.timeline.observe(self.sim.as_ref());
            }
            self.stage.moved();
        }
        self.stage.frame(self.sim.as_mut());
        self.schedule(ctx);
        let now = self.current();
        let arrived = moved_in_time && self.timeline.job().is_none();
        if arrived || (now != self.shown && (ts - self.last_render_ts >= 100.0 || now.done || !self.playing)) {
            self.shown = Shown { owed: self.sim.owed(), ..now };
            self.last_render_ts = ts;
            self.live.update(ts, &self.shown, self.playing);
            self.after_progress();
            self.inspect();
            return true;
        }
        // The comparison's lanes and charts are redrawn a few times a second.
        let over = self.comparison.as_ref().is_some_and(Comparison::is_done);
        if compared && (ts - self.last_render_ts >= 100.0 || over) {
            self.last_render_ts = ts;
            return true;
        }
        false
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (scenario, sim, error) = Self::opening();
        let link = ctx.link().clone();
        let keys = ctx.link().clone();
        let timeline = Timeline::new(sim.as_ref(), scenario.group.size);
        let wheel = ctx.link().clone();
        let reduced_motion = dom::prefers_reduced_motion();
        let mut app = App {
            timeline,
            step_kind: StepKind::Event,
            scenario: Rc::new(scenario),
            sim,
            playing: !reduced_motion,
            speed: 0.1,
            error,
            refusal: None,
            opening: None,
            refused_edits: 0,
            share_link: String::new(),
            shown: Shown::default(),
            summary: None,
            comparison: None,
            send: ctx.link().callback(|m: Msg| m),
            stage: Stage::new(),
            selection: Selection::default(),
            inspected: None,
            sequence: Sequence::default(),
            announced: String::new(),
            frame: None,
            last_ts: None,
            last_render_ts: 0.0,
            _hash_listener: dom::HashListener::new(move || link.send_message(Msg::LoadFragment)),
            _key_listener: dom::KeyListener::new(move |key| match shortcut(key) {
                Some(msg) => {
                    keys.send_message(msg);
                    true
                }
                None => false,
            }),
            faults: faults::Panel::default(),
            gesture: Gesture::default(),
            help: false,
            help_opener: None,
            live: Live::default(),
            reduced_motion,
            _wheel_listener: dom::WheelListener::new(move |x, y, dy| {
                wheel.send_message(Msg::View(ViewMsg::Wheel(x, y, dy)))
            }),
        };
        app.stage.set_reduced_motion(reduced_motion);
        app.stage.restart(&app.scenario);
        app.shown = app.shown_now();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => return self.on_frame(ctx, ts),
            Msg::TogglePlay => self.toggle_play(),
            Msg::Reset => {
                self.load(Scenario::clone(&self.scenario));
                self.reopen();
            }
            Msg::Finish => {
                self.opening = None;
                self.timeline.forget_steps();
                self.timeline.go(&mut self.sim, Target::End);
                self.playing = false;
            }
            Msg::Time(m) => self.move_in_time(m),
            Msg::Set(Field::Speed, v) => match form::speed(&v) {
                Ok(x) => self.speed = x,
                Err(e) => self.error = Some(e),
            },
            Msg::Set(field, v) => {
                let attempted = form::changed(&self.scenario, field, &v).ok();
                let before = Rc::clone(&self.scenario);
                self.edit_control(form::edited(&self.scenario, field, &v), attempted);
                self.opening = None;
                if let (Field::Preset, false) = (field, Rc::ptr_eq(&before, &self.scenario)) {
                    self.open_preset(&v);
                }
            }
            Msg::NewSeed => self.load_or_refuse("", Ok(form::reseeded(&self.scenario, dom::random_seed())), None),
            Msg::Share => self.share(),
            Msg::ApplyJson(text) => {
                let attempted = serde_json::from_str::<Scenario>(&text).ok();
                self.load_or_refuse("Scenario JSON: ", Scenario::from_json_with(&text, &Limits::BROWSER), attempted)
            }
            Msg::LoadFragment => self.load_fragment(),
            Msg::Dismiss => {
                self.error = None;
                self.refusal = None;
            }
            Msg::WayOut(n) => {
                let way = self.refusal.as_ref().and_then(|r| r.ways_out.get(n)).map(|w| w.scenario.clone());
                if let Some(s) = way {
                    self.edit_control(Ok(s), None);
                }
            }
            Msg::Compare => {
                // The lanes take the frames' time: the run under the table waits.
                self.playing = false;
                self.comparison = Some(Comparison::start(&self.scenario));
            }
            Msg::CloseCompare => self.comparison = None,
            Msg::CompareDo(action) => {
                if let Some(c) = self.comparison.as_mut() {
                    c.act(action);
                }
            }
            Msg::Export(d) => {
                super::export::save(d, &self.scenario, self.sim.as_ref(), &self.stage, self.comparison.as_ref())
            }
            Msg::CanvasClick(..)
            | Msg::CanvasShiftClick(..)
            | Msg::CanvasHover(..)
            | Msg::CanvasLeave
            | Msg::CanvasKey(_)
            | Msg::Deselect
            | Msg::ToggleSequence
            | Msg::SequenceMessage(_) => return self.pick(msg),
            Msg::CrashNode(node) => self.crash(node),
            Msg::Fault(m) => self.on_fault(m),
            Msg::View(m) => return self.on_view(m),
            Msg::ToggleHelp => self.set_help(!self.help),
            Msg::Escape => self.escape(),
            Msg::ToggleOverlay => self.stage.toggle_overlay(),
        }
        self.stage.draw(self.sim.as_mut());
        self.shown = self.shown_now();
        self.live.update(self.last_ts.unwrap_or(0.0), &self.shown, self.playing);
        self.after_progress();
        self.inspect();
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        view::view(&self.page())
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if let Some(c) = &mut self.comparison {
            c.draw_charts();
        }
        if first_render {
            self.schedule(ctx);
        }
        if self.help {
            dom::focus("help-close");
        }
        if self.selection.node.is_some() && self.selection.sequence {
            self.sequence.draw(self.sim.as_ref(), &self.selection);
        }
    }
}

/// What a key does on the page, if anything: the table in [`super::shortcuts`], which the help
/// dialog lists.
fn shortcut(key: &str) -> Option<Msg> {
    super::shortcuts::message(key)
}

impl App {
    /// What the canvas's pointer and keys and the inspector's controls do to the selection;
    /// whether the page must be drawn again.
    fn pick(&mut self, msg: Msg) -> bool {
        // A click that ended a drag (a pan) or a partition's rectangle picks nothing.
        if matches!(msg, Msg::CanvasClick(..) | Msg::CanvasShiftClick(..))
            && (self.gesture.take_swallowed_click() || self.faults.tool)
        {
            return false;
        }
        let before = self.selection.clone();
        let sim = self.sim.as_ref();
        match msg {
            Msg::CanvasClick(x, y) => match self.stage.node_at(sim, (x, y)) {
                Some(node) => self.selection.select(node),
                None => self.selection.clear(),
            },
            Msg::CanvasShiftClick(x, y) => {
                if let Some(node) = self.stage.node_at(sim, (x, y)) {
                    self.selection.toggle(node);
                }
            }
            Msg::CanvasHover(x, y) => {
                let node = self.stage.node_at(sim, (x, y));
                if node != self.selection.hover.map(|h| h.0) {
                    self.selection.hover = node.map(|n| (n, x, y));
                }
            }
            Msg::CanvasLeave => self.selection.hover = None,
            Msg::CanvasKey(key) => self.key(&key),
            Msg::Deselect => self.selection.clear(),
            Msg::SequenceMessage(v) => self.selection.message = v.parse().unwrap_or(0),
            Msg::ToggleSequence => self.selection.sequence = !self.selection.sequence,
            _ => {}
        }
        if self.selection == before {
            return false;
        }
        if self.selection.node != before.node {
            self.announce();
        }
        self.stage.select(&self.selection);
        self.inspect();
        true
    }

    /// A key on the focused canvas: an arrow moves the selection to the nearest node that way
    /// (from the sender if none is selected), Enter inspects the selected node (the sender if
    /// none), Escape clears the selection.
    fn key(&mut self, key: &str) {
        let start = || self.scenario.group.sender.min(self.scenario.group.size.saturating_sub(1));
        if key == "Escape" {
            self.selection.clear();
        } else if key == "Enter" {
            let node = self.selection.node.unwrap_or_else(start);
            self.selection.select(node);
        } else if let Some(dir) = Direction::of_key(key) {
            let Some(from) = self.selection.node else {
                self.selection.select(start());
                return;
            };
            let live = |n: u32| self.stage.state_of(n).is_some_and(|s| s != mcast::engine::NodeState::Absent);
            if let Some(next) = nearest_in_direction(self.sim.positions(), from, dir, live) {
                self.selection.move_to(next);
            }
        }
    }

    /// Says the newly selected node to screen readers (the page's live region).
    fn announce(&mut self) {
        self.announced = match self.selection.node {
            Some(n) => format!("Node {n} selected: {}.", super::inspector::state_words(self.stage.state_of(n))),
            None => "Selection cleared.".to_string(),
        };
    }

    /// Reads the selected node's view from the engine again.
    fn inspect(&mut self) {
        self.inspected = self.selection.node.and_then(|n| self.sim.inspect(n));
    }
}
