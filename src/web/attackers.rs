//! The attackers' own controls: which settings of the scenario's `attackers` the page edits, in
//! what units, what an edit does to the scenario, and the line saying who attacks. The markup is
//! [`super::attackers_view`]'s; nothing here touches the browser, so the form's tests compile it
//! natively.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use mcast::scenario::{Scenario, ScenarioError};

/// One attackers setting: its field under `attackers`, its label, its tooltip.
pub struct Setting {
    /// The field name (`fraction`).
    pub field: &'static str,
    /// The label, with its unit.
    pub label: &'static str,
    /// What it does, in a sentence.
    pub means: &'static str,
}

/// The settings, in the order shown.
pub const SETTINGS: [Setting; 2] = [
    Setting {
        field: "fraction",
        label: "Attackers (% of nodes)",
        means: "Members that withhold every payload packet they should forward (they still receive, deliver and \
                send control packets): this percentage of the group, rounded, never a sender, drawn from the seed. \
                0 = none.",
    },
    Setting {
        field: "from_ms",
        label: "Attack from (ms)",
        means: "The attackers behave until this time, then stop forwarding at once (a covert flash attack); 0 = \
                from the start.",
    },
];

/// The value of setting `field` in `s`, as its box shows it: the fraction as a percentage
/// (rounded to 10^-9 of a percent, so 0.3 shows `30`, not `30.000000000000004`).
pub fn value(s: &Scenario, field: &str) -> String {
    match field {
        "fraction" => format!("{}", (s.attackers.fraction * 100.0 * 1e9).round() / 1e9),
        "from_ms" => format!("{}", s.attackers.from_ms),
        _ => String::new(),
    }
}

/// `s` with attackers setting `field` set from the box's text `v` (the whole scenario's checks
/// are the caller's); an error naming the field if the text is not a number in range.
pub fn set(s: &mut Scenario, field: &str, v: &str) -> Result<(), ScenarioError> {
    let path = format!("attackers.{field}");
    let number = v.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    match field {
        "fraction" => {
            let pct = number.filter(|x| (0.0..100.0).contains(x)).ok_or_else(|| {
                ScenarioError::invalid(&path, format!("must be a percentage from 0 to below 100, got `{v}`"))
            })?;
            s.attackers.fraction = pct / 100.0;
        }
        "from_ms" => {
            s.attackers.from_ms =
                number.ok_or_else(|| ScenarioError::invalid(&path, format!("not a number of milliseconds: `{v}`")))?;
        }
        _ => return Err(ScenarioError::invalid(&path, "not an attackers setting")),
    }
    Ok(())
}

/// The attackers of `s` in id order (none if it names none or cannot be compiled).
pub fn nodes(s: &Scenario) -> Vec<u32> {
    s.attack().ok().flatten().map(|a| a.nodes).unwrap_or_default()
}

/// How many nodes of `s` attack, without drawing them (the legend asks at every render).
pub fn count(s: &Scenario) -> usize {
    if s.attackers.check().is_err() {
        return 0;
    }
    let senders = s.workload.senders(&s.group);
    let candidates = (0..s.group.size).filter(|n| !senders.contains(n)).count();
    (s.attackers.wanted(s.group.size) as usize).min(candidates)
}

/// One line under the boxes: who attacks, from when, as the run will have it.
pub fn summary(s: &Scenario) -> String {
    let count = nodes(s).len();
    if count == 0 {
        return "No attackers.".to_string();
    }
    let when = if s.attackers.from_ms > 0.0 {
        format!("from {} ms on (a flash attack)", s.attackers.from_ms)
    } else {
        "from the start".to_string()
    };
    format!("{count} of {} nodes withhold what they should forward, {when}; marked with a white diamond.", s.group.size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::form;
    use crate::web::msg::Field;

    #[test]
    fn each_setting_round_trips_through_its_box() {
        let s = form::edited(&Scenario::default_playground(), Field::Attack("fraction"), "30").expect("30 % runs");
        let s = form::edited(&s, Field::Attack("from_ms"), "250").expect("250 ms runs");
        assert_eq!((s.attackers.fraction, s.attackers.from_ms), (0.3, 250.0));
        assert_eq!((value(&s, "fraction").as_str(), value(&s, "from_ms").as_str()), ("30", "250"));
        for setting in &SETTINGS {
            let again =
                form::edited(&s, Field::Attack(setting.field), &value(&s, setting.field)).expect("its own value");
            assert_eq!(again.attackers, s.attackers, "{}", setting.field);
        }
        assert_eq!(nodes(&s).len(), 90, "30 % of 300");
        assert_eq!(count(&s), 90);
        assert!(summary(&s).starts_with("90 of 300 nodes"), "{}", summary(&s));
    }

    #[test]
    fn bad_text_names_the_field() {
        let s = Scenario::default_playground();
        for (field, v) in [("fraction", "100"), ("fraction", "-1"), ("fraction", "many"), ("from_ms", "soon")] {
            let e = form::edited(&s, Field::Attack(field), v).expect_err(v);
            assert!(e.to_string().starts_with(&format!("attackers.{field}")), "{e}");
        }
        let e = form::edited(&s, Field::Attack("from_ms"), "-5").expect_err("negative");
        assert!(e.to_string().starts_with("attackers.from_ms"), "{e}");
    }
}
