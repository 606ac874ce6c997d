//! Overlay links: the peers a node keeps links to in a protocol's own overlay, by what the link
//! is for, so that the page can draw the overlay (HyParView's active views) and the
//! dissemination structure that emerges on it (Plumtree's eager and lazy links, GossipSub's
//! mesh) ([`super::Protocol::overlay`]).

use super::NodeId;

/// What a node keeps a link to a peer for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OverlayLink {
    /// The peer is in the node's active view (HyParView), or among its connections (GossipSub's
    /// peers outside the mesh): a link the node could send on.
    Active,
    /// The node lazily advertises messages to the peer (Plumtree's lazy push, IHAVE only).
    Lazy,
    /// The node eagerly pushes payload to the peer (Plumtree's tree links).
    Eager,
    /// The peer is in the node's mesh (GossipSub): full messages flow both ways.
    Mesh,
}

impl OverlayLink {
    /// Every kind, weakest first: the page draws later ones over earlier ones.
    pub const ALL: [OverlayLink; 4] = [OverlayLink::Active, OverlayLink::Lazy, OverlayLink::Eager, OverlayLink::Mesh];

    /// The kind's name in plain words, for the legend and the inspector.
    pub fn label(self) -> &'static str {
        match self {
            OverlayLink::Active => "overlay link (active view)",
            OverlayLink::Lazy => "lazy link (IHAVE only)",
            OverlayLink::Eager => "eager link (tree)",
            OverlayLink::Mesh => "mesh link",
        }
    }
}

/// One node's link to a peer, as the kernel lists a whole group's overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverlayEdge {
    /// The node keeping the link.
    pub from: NodeId,
    /// The peer.
    pub to: NodeId,
    /// What the link is for.
    pub link: OverlayLink,
}
