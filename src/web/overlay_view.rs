//! The overlay's words on the page ([`super::overlay`]): its legend entries (only the kinds the
//! protocol reports, saying when a large overlay is drawn one line in k), the button that shows
//! or hides it, the list of a node's links in its tooltip, and the inspector's link labels.

use super::msg::Msg;
use super::overlay::{style, Style, TREE_OVER_OVERLAY};
use mcast::protocol::OverlayLink;
use yew::{html, Callback, Html, MouseEvent};

/// The most nodes the tooltip lists per kind before it says "and k more".
const TOOLTIP_MAX: usize = 12;

/// What the page shows of the overlay: the kinds present (weakest first, each drawn one line in
/// k, 0 for none) and whether it is shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// The kinds present and how sparsely each is drawn.
    pub kinds: Vec<(OverlayLink, usize)>,
    /// Whether the overlay is drawn.
    pub on: bool,
}

/// `link`'s label as an element id's tail.
fn slug(link: OverlayLink) -> &'static str {
    match link {
        OverlayLink::Active => "active",
        OverlayLink::Lazy => "lazy",
        OverlayLink::Eager => "eager",
        OverlayLink::Mesh => "mesh",
    }
}

/// A line swatch in `s`'s colour and dash.
fn swatch(s: Style) -> Html {
    let [r, g, b] = s.rgb;
    let border = if s.dashed { "dashed" } else { "solid" };
    let alpha = s.alpha.max(0.6);
    html! { <span class="swatch link" style={format!("border-top: 2px {border} rgba({r}, {g}, {b}, {alpha})")}></span> }
}

/// The legend's entries for the overlay's kinds present, and for the protocol's tree drawn bright
/// over it when `tree`; nothing while the overlay is hidden or empty.
pub fn legend_items(shown: &Shown, tree: bool) -> Html {
    if !shown.on || shown.kinds.is_empty() {
        return html! {};
    }
    html! {
        <>
            { for shown.kinds.iter().map(|&(link, stride)| {
                let sampled = match stride {
                    1 => String::new(),
                    0 => " (not drawn at this size)".to_string(),
                    k => format!(" (one in {k} drawn at this size)"),
                };
                html! {
                    <li id={format!("legend-overlay-{}", slug(link))} title="Links the protocol keeps, as it reports them (hover a node for its own)">
                        { swatch(style(link)) }{ format!("{}{sampled}", link.label()) }
                    </li>
                }
            }) }
            if tree {
                <li id="legend-overlay-tree">{ swatch(TREE_OVER_OVERLAY) }{ "tree (each node's upstream), over the overlay" }</li>
            }
        </>
    }
}

/// The button over the canvas that shows or hides the overlay; nothing without one.
pub fn toggle(shown: &Shown, send: &Callback<Msg>) -> Html {
    if shown.kinds.is_empty() {
        return html! {};
    }
    html! {
        <button id="toggle-overlay" aria-pressed={shown.on.to_string()}
            title="Show or hide the links the protocol keeps between nodes (its overlay)"
            onclick={send.reform(|_: MouseEvent| Msg::ToggleOverlay)}>{ "Overlay" }</button>
    }
}

/// A node's links in its tooltip, one line per kind.
pub fn tooltip_links(links: &[(OverlayLink, Vec<u32>)]) -> Html {
    html! {
        { for links.iter().map(|(link, nodes)| {
            let shown: Vec<String> = nodes.iter().take(TOOLTIP_MAX).map(u32::to_string).collect();
            let more = match nodes.len().saturating_sub(TOOLTIP_MAX) {
                0 => String::new(),
                k => format!(" and {k} more"),
            };
            html! {
                <div class="tooltip-links" data-link={slug(*link)}>
                    { swatch(style(*link)) }{ format!(" {} ({}): {}{more}", link.label(), nodes.len(), shown.join(", ")) }
                </div>
            }
        }) }
    }
}

/// The overlay kind a family's link named `label` is drawn as ([`mcast::protocol::Description`]
/// names them "active view", "eager", "lazy", "mesh"; gossip's Cyclon view and GossipSub's
/// peers outside the mesh are active), if any.
fn kind_of(label: &str) -> Option<OverlayLink> {
    match label {
        "active view" | "view" | "peers" => Some(OverlayLink::Active),
        "lazy" => Some(OverlayLink::Lazy),
        "eager" => Some(OverlayLink::Eager),
        "mesh" => Some(OverlayLink::Mesh),
        _ => None,
    }
}

/// A link's label in the inspector: the overlay kind's swatch if it is drawn as one, the label
/// and how many nodes it holds.
pub fn link_label(label: &str, nodes: usize) -> Html {
    html! {
        <>
            if let Some(link) = kind_of(label) { { swatch(style(link)) }{ " " } }
            { format!("{label} ({nodes})") }
        </>
    }
}
