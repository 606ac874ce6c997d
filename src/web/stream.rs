//! A live stream's own controls: which settings of `workload.stream` the page edits, in what
//! units, and what an edit does to the scenario. The markup is [`super::stream_view`]'s; nothing
//! here touches the browser, so the form's tests compile it natively.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use mcast::scenario::{Scenario, ScenarioError, StreamSpec};

/// One stream setting: its field under `workload.stream`, its label, its tooltip.
pub struct Setting {
    /// The field name (`rate_per_sec`).
    pub field: &'static str,
    /// The label, with its unit.
    pub label: &'static str,
    /// What it does, in a sentence.
    pub means: &'static str,
}

/// The stream's settings, in the order shown.
pub const SETTINGS: [Setting; 4] = [
    Setting {
        field: "rate_per_sec",
        label: "Frames per second",
        means: "How many packets (frames) the sender multicasts each second.",
    },
    Setting {
        field: "packet_bytes",
        label: "Frame size (bytes)",
        means:
            "Payload bytes per frame; with the rate and the uplink it sets how long each frame's copies take to leave.",
    },
    Setting {
        field: "duration_ms",
        label: "Stream length (ms)",
        means: "How long the sender streams; frames = rate × length.",
    },
    Setting {
        field: "playout_delay_ms",
        label: "Playout deadline (ms)",
        means: "A frame delivered more than this after its send is late: the viewer already had to play past it.",
    },
];

/// The value of setting `field` in `st`, as its box shows it.
pub fn value(st: &StreamSpec, field: &str) -> String {
    match field {
        "rate_per_sec" => format!("{}", st.rate_per_sec),
        "packet_bytes" => st.packet_bytes.to_string(),
        "duration_ms" => format!("{}", st.duration_ms),
        "playout_delay_ms" => format!("{}", st.playout_delay_ms),
        _ => String::new(),
    }
}

/// `s` with stream setting `field` set from the box's text `v` (the whole scenario's checks are
/// the caller's); an error naming the field if the text is not a number or `s` has no stream.
pub fn set(s: &mut Scenario, field: &str, v: &str) -> Result<(), ScenarioError> {
    let path = format!("workload.stream.{field}");
    let st =
        s.workload.stream.as_mut().ok_or_else(|| ScenarioError::invalid(&path, "this workload is not a stream"))?;
    let number = || -> Result<f64, ScenarioError> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| ScenarioError::invalid(&path, format!("not a number: `{v}`")))
    };
    match field {
        "rate_per_sec" => st.rate_per_sec = number()?,
        "duration_ms" => st.duration_ms = number()?,
        "playout_delay_ms" => st.playout_delay_ms = number()?,
        "packet_bytes" => {
            st.packet_bytes =
                v.trim().parse().map_err(|_| ScenarioError::invalid(&path, format!("not a whole number: `{v}`")))?
        }
        _ => return Err(ScenarioError::invalid(&path, "not a stream setting")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::form;
    use crate::web::msg::Field;

    fn live() -> Scenario {
        form::edited(&Scenario::default_playground(), Field::Preset, "live-stream.json").expect("the preset loads")
    }

    #[test]
    fn each_setting_round_trips_through_its_box() {
        let s = live();
        for setting in &SETTINGS {
            let st = s.workload.stream.as_ref().expect("a stream");
            let shown = value(st, setting.field);
            let again = form::edited(&s, Field::Stream(setting.field), &shown).expect("its own value runs");
            assert_eq!(again.workload.stream, s.workload.stream, "{}", setting.field);
        }
        let faster = form::edited(&s, Field::Stream("rate_per_sec"), "40").expect("40 frames a second runs");
        assert_eq!(faster.workload.stream.map(|st| st.rate_per_sec), Some(40.0));
    }

    #[test]
    fn bad_text_names_the_field() {
        let e = form::edited(&live(), Field::Stream("playout_delay_ms"), "soon").expect_err("not a number");
        assert!(e.to_string().contains("workload.stream.playout_delay_ms"), "{e}");
        let e =
            form::edited(&Scenario::default_playground(), Field::Stream("rate_per_sec"), "5").expect_err("no stream");
        assert!(e.to_string().contains("not a stream"), "{e}");
    }
}
