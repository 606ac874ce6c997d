//! What the user can do on the page: the controls that edit the scenario ([`Field`]) and every
//! message the component reacts to ([`Msg`]). The view sends these; the component handles them;
//! [`super::form`] turns a [`Field`]'s new text into a scenario. Nothing here touches the browser,
//! so the form's unit tests compile it natively.

/// A control the user can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The protocol select (a protocol `kind`).
    Protocol,
    /// One of the protocol's parameters, by field name (see [`mcast::protocols::ParamDoc`]).
    Param(&'static str),
    /// A preset from the gallery, by file name.
    Preset,
    /// Group size.
    Size,
    /// Loss, in percent.
    Loss,
    /// Number of messages.
    Messages,
    /// The seed.
    Seed,
    /// Uplink rate in megabytes per second.
    Uplink,
    /// Native multicast on or off (`unicast` or `native`).
    Multicast,
    /// The layout select.
    Layout,
    /// Animation speed (simulated time per real time); not part of the scenario.
    Speed,
    /// The run's duration in milliseconds (`duration_ms`: when the run ends).
    Duration,
    /// One of a live stream's settings, by field name under `workload.stream`
    /// (`rate_per_sec`, `packet_bytes`, `duration_ms`, `playout_delay_ms`).
    Stream(&'static str),
    /// One of the attackers' settings, by field name under `attackers` (`fraction`, shown as a
    /// percentage, or `from_ms`).
    Attack(&'static str),
}

/// What the component reacts to.
pub enum Msg {
    /// An animation frame at this timestamp (ms).
    Frame(f64),
    /// Play or pause.
    TogglePlay,
    /// Restart the current scenario from time zero.
    Reset,
    /// Run the rest of the scenario at once.
    Finish,
    /// A control changed to this text.
    Set(Field, String),
    /// Draw a fresh seed.
    NewSeed,
    /// Put the scenario in the URL and copy the link.
    Share,
    /// Apply the scenario JSON typed into the editor.
    ApplyJson(String),
    /// The URL fragment changed (a pasted link).
    LoadFragment,
    /// Close the error banner.
    Dismiss,
    /// Run the scenario under every protocol and show the table.
    Compare,
    /// Close the comparison table.
    CloseCompare,
    /// A control of the side-by-side comparison.
    CompareDo(CompareAction),
    /// Save a file.
    Export(Download),
    /// The canvas was clicked at this point (CSS pixels from its top-left corner): inspect the
    /// node there.
    CanvasClick(f64, f64),
    /// A move in simulated time from the run toolbar or its keys (see `super::timeline`).
    Time(TimeMsg),
    /// The canvas was shift-clicked here: add the node there to the sequence diagram, or take
    /// it out.
    CanvasShiftClick(f64, f64),
    /// The pointer moved over the canvas to this point.
    CanvasHover(f64, f64),
    /// The pointer left the canvas.
    CanvasLeave,
    /// A key pressed while the canvas has focus (arrows move the selection, Enter inspects,
    /// Escape clears).
    CanvasKey(String),
    /// Crash this node now (the inspector's button).
    CrashNode(u32),
    /// Close the inspector.
    Deselect,
    /// The sequence diagram follows this message (its id, as text).
    SequenceMessage(String),
    /// Open or close the sequence diagram.
    ToggleSequence,
    /// An edit in the fault panel (see [`super::faults`]).
    Fault(super::faults::FaultMsg),
    /// Zoom or pan of the group canvas (see [`super::zoom`]).
    View(super::zoom::ViewMsg),
    /// Open or close the help dialog (`?`).
    ToggleHelp,
    /// Esc: close the help, or stop drawing a partition.
    Escape,
    /// Load the banner's way out number `n` (see [`super::refusal::Refusal`]).
    WayOut(usize),
    /// Show or hide the protocol's overlay on the canvas.
    ToggleOverlay,
}

/// What a Step moves the run by (the toolbar's step select).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepKind {
    /// One event: a packet arriving, a timer firing, a fault.
    #[default]
    Event,
    /// Up to and including the next packet sent.
    Packet,
    /// One round: `round_ms` in the round-synchronous mode, else [`STEP_MS`] of simulated time.
    Round,
}

/// What a [`StepKind::Round`] step moves an asynchronous run by, in milliseconds.
pub const STEP_MS: f64 = 10.0;

/// A move in simulated time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimeMsg {
    /// Step forward by the chosen [`StepKind`].
    Step,
    /// Go back to where the last step started (else one step of its kind back).
    Back,
    /// Choose what a step is.
    StepBy(StepKind),
    /// Seek to this simulated time (ms): back from a checkpoint, or forward by running.
    Seek(f64),
    /// Run on until every owed delivery is made (or the end).
    UntilDelivered,
    /// Stop a seek or End in progress where it is.
    Cancel,
}

/// What the side-by-side comparison's controls ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareAction {
    /// Pick or unpick the protocol at this index of the picker (the lanes start again).
    Pick(usize),
    /// Play or pause the lanes; once over, play them again.
    TogglePlay,
    /// Run every lane to its end (a slice per frame).
    Finish,
}

/// A file the page saves (see `super::export`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Download {
    /// The run's report as JSON, as `mcast run` prints it.
    ResultsJson,
    /// The run's report as CSV, as `mcast run --csv` prints it.
    ResultsCsv,
    /// The run's time series as JSON.
    SeriesJson,
    /// The run's time series as CSV.
    SeriesCsv,
    /// The group's canvas as PNG.
    StagePng,
    /// The chart as PNG.
    ChartPng,
    /// The run's packets as a Chrome / Perfetto trace, as `mcast run --perfetto` writes it.
    Trace,
    /// The comparison as JSON.
    ComparisonJson,
    /// The comparison as CSV.
    ComparisonCsv,
    /// The comparison's latency CDF as PNG.
    CdfPng,
    /// The comparison's deliveries over time as PNG.
    DeliveriesPng,
}
