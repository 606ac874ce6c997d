//! HyParView through the kernel: views symmetric and within their sizes.

mod hyparview_support;

use hyparview_support::{asymmetric, component_sizes, components, scenario, world};
use mcast::protocols::hyparview::HyParViewConfig;
use mcast::time::SimTime;

#[test]
fn probe() {
    for seed in 1..=3 {
        let s = scenario(1000, seed, r#""duration_ms": 60000"#);
        let mut w = world(&s, HyParViewConfig::default());
        for t in [1_000u64, 5_000, 20_000, 40_000, 60_000] {
            w.run_until(SimTime::from_ms(t));
            let sizes: Vec<usize> = (0..1000).map(|n| w.node(n).layer().active().len()).collect();
            let full = sizes.iter().filter(|&&s| s == 5).count();
            let pas: usize = (0..1000).map(|n| w.node(n).layer().passive().len()).sum();
            println!(
                "seed {seed} t {t}: asym {} comps {} full {full} min {} mean passive {} events {}",
                asymmetric(&w).len(),
                components(&w),
                sizes.iter().min().unwrap(),
                pas / 1000,
                w.metrics().events()
            );
            let cs = component_sizes(&w);
            if cs.len() > 1 {
                println!("  comps {:?}", &cs[1..]);
            }
            for (a, b) in asymmetric(&w) {
                println!(
                    "  asym {a}->{b}: a pending {:?} b pending {:?} b active {:?} a passive has b {}",
                    w.node(a).layer().pending(),
                    w.node(b).layer().pending(),
                    w.node(b).layer().active(),
                    w.node(a).layer().passive().contains(&b)
                );
            }
        }
    }
}
