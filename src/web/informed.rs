//! What the chart's lines show, free of the browser so its unit tests run natively: the measured
//! fraction informed (deliveries made over owed, or for one message from one node the fraction of
//! live members holding it) and the points of the family's epidemic model
//! ([`Scenario::informed_model`]) on the chart's time axis.

use mcast::protocols::InformedCurve;
use mcast::scenario::Scenario;

/// What the lines show, fixed for a scenario: whether the run spreads one message from one node,
/// and the family's model of such a message, if it has one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Informed {
    /// One message from one node: the measured line counts the source among the holders, as the
    /// model does.
    pub one_message: bool,
    /// When the (first) message is sent, in milliseconds: where the model's curve starts.
    pub start_ms: f64,
    /// The family's model ([`Scenario::informed_model`]), if it has one.
    pub model: Option<InformedCurve>,
}

impl Informed {
    /// What the chart of `s` draws.
    pub fn of(s: &Scenario) -> Informed {
        let w = &s.workload;
        Informed {
            one_message: w.stream.is_none() && w.messages == 1 && w.senders(&s.group).len() == 1,
            start_ms: w.start_ms,
            model: s.informed_model(),
        }
    }

    /// The measured fraction informed after `made` of `owed` deliveries, from 0 to 1.
    pub fn fraction(&self, made: u64, owed: u64) -> f64 {
        let f = if self.one_message { (made + 1) as f64 / (owed + 1) as f64 } else { made as f64 / owed.max(1) as f64 };
        f.min(1.0)
    }

    /// The model's points `(ms, fraction)` from the message's send up to `span_ms` (the chart's
    /// right edge, now): one per step, the segment crossing the edge cut there. Empty without a
    /// model, or if the message is not sent yet.
    pub fn model_points(&self, span_ms: f64) -> Vec<(f64, f64)> {
        let Some(model) = &self.model else { return Vec::new() };
        let step = model.step_ms;
        if step.is_nan() || step <= 0.0 || self.start_ms > span_ms {
            return Vec::new();
        }
        let at = |i: usize| self.start_ms + i as f64 * step;
        let mut points = Vec::new();
        for (i, f) in model.fractions.iter().map(|f| f.clamp(0.0, 1.0)).enumerate() {
            let t = at(i);
            if t <= span_ms {
                points.push((t, f));
                continue;
            }
            if let Some(&(t0, f0)) = points.last().filter(|(t0, _)| *t0 < span_ms) {
                points.push((span_ms, f0 + (f - f0) * (span_ms - t0) / (t - t0)));
            }
            break;
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A family's model stubbed for the test: doubling from 1 of 8 nodes each 100 ms step.
    fn stub(start_ms: f64, one_message: bool) -> Informed {
        let model = InformedCurve {
            step_ms: 100.0,
            fractions: vec![0.125, 0.25, 0.5, 1.0],
            model: "doubling (a stub)".to_string(),
        };
        Informed { one_message, start_ms, model: Some(model) }
    }

    #[test]
    fn model_points_start_at_the_send_one_per_step_and_stop_at_now() {
        let i = stub(50.0, true);
        assert_eq!(i.model_points(40.0), vec![], "not sent yet");
        assert_eq!(i.model_points(50.0), vec![(50.0, 0.125)]);
        assert_eq!(i.model_points(200.0), vec![(50.0, 0.125), (150.0, 0.25), (200.0, 0.375)]);
        assert_eq!(i.model_points(1000.0), vec![(50.0, 0.125), (150.0, 0.25), (250.0, 0.5), (350.0, 1.0)]);
        assert_eq!(Informed { model: None, ..i }.model_points(1000.0), vec![]);
    }

    #[test]
    fn one_message_counts_the_source_and_several_count_deliveries_over_owed() {
        assert_eq!(stub(0.0, true).fraction(0, 7), 0.125);
        assert_eq!(stub(0.0, true).fraction(7, 7), 1.0);
        assert_eq!(stub(0.0, false).fraction(3, 12), 0.25);
        assert_eq!(stub(0.0, false).fraction(0, 0), 0.0);
    }

    #[test]
    fn a_scenario_of_one_message_from_one_node_is_one_message() {
        let mut s = Scenario::default_playground();
        s.workload.messages = 1;
        assert!(Informed::of(&s).one_message);
        s.workload.messages = 2;
        assert!(!Informed::of(&s).one_message);
        assert_eq!(Informed::of(&s).model, None, "{} has no epidemic model", s.protocol.label());
    }
}
