//! The protocol families, one folder (or file) each, and the registry that lists them.
//!
//! Each family is a sans-IO [`crate::protocol::Protocol`] plus a [`Family`] implementation: its
//! `kind`, its parameter table ([`ParamDoc`]), its checks and run-size estimate, and how its nodes
//! are configured. Registering a family is one line in the `families!` list below; the scenario
//! format, validation, the engine, the CLI, the page and the generated docs all read the
//! registry (see `docs/adding-a-family.md`).

pub mod blocks;
pub mod hyparview;
pub mod load;
pub mod params;
pub mod registry;
pub mod swim;

pub use load::{InformedCurve, Load, RunInfo};
pub use params::{ParamDoc, ParamKind, HEADER_BYTES};
pub use registry::{Family, FamilyInfo, Structure, Visit};

/// Declares the registered families: for each, its module, the `ProtocolSpec` variant holding its
/// parameters (the variant's snake-case name is the scenario's `kind`) and its [`Family`] type.
macro_rules! families {
    ($( $(#[$doc:meta])* $module:ident :: $family:ident => $variant:ident ),* $(,)?) => {
        $( pub mod $module; )*

        /// The protocol a scenario runs, tagged by `kind`, with its parameters.
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum ProtocolSpec {
            $( $(#[$doc])* $variant(<$module::$family as Family>::Params), )*
        }

        /// `ProtocolSpec` externally tagged, which serde reads with the path of a bad parameter
        /// (see `crate::tagged`).
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum SpecByKind {
            $( $variant(<$module::$family as Family>::Params), )*
        }

        impl<'de> serde::Deserialize<'de> for ProtocolSpec {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                Ok(match crate::tagged::untag::<D, SpecByKind>(de, "kind")? {
                    $( SpecByKind::$variant(p) => ProtocolSpec::$variant(p), )*
                })
            }
        }

        $(
            impl From<<$module::$family as Family>::Params> for ProtocolSpec {
                fn from(p: <$module::$family as Family>::Params) -> ProtocolSpec {
                    ProtocolSpec::$variant(p)
                }
            }
        )*

        /// Every registered family, in the page's order.
        pub static FAMILIES: &[&dyn FamilyInfo] = &[ $( &registry::Registered::<$module::$family>::ENTRY, )* ];

        impl ProtocolSpec {
            /// Does `work` with the types of the family this spec names.
            pub fn visit<V: Visit>(&self, work: V) -> V::Output {
                match self {
                    $( ProtocolSpec::$variant(p) => work.visit::<$module::$family>(p), )*
                }
            }

            /// The static facts of the family this spec names.
            pub fn info(&self) -> &'static dyn FamilyInfo {
                match self {
                    $( ProtocolSpec::$variant(_) => &registry::Registered::<$module::$family>::ENTRY, )*
                }
            }

            /// A short name for these parameters (`"centralized with ACKs"`).
            pub fn label(&self) -> &'static str {
                match self {
                    $( ProtocolSpec::$variant(p) => <$module::$family as Family>::label(p), )*
                }
            }
        }
    };
}

families! {
    /// The sender unicasts to every member in a loop; optionally with ACKs and retransmission.
    centralized::CentralizedFamily => Centralized,
    /// A k-ary spanning tree rooted at the sender, with hop-by-hop ACK or NAK repair.
    tree::TreeFamily => Tree,
    /// Scalable Reliable Multicast: receivers request losses, any holder repairs, with randomized
    /// distance-scaled timers that suppress duplicates (Floyd et al. 1997).
    srm::SrmFamily => Srm,
    /// RMTP: designated receivers gather their regions' status and repair locally.
    rmtp::RmtpFamily => Rmtp,
    /// Epidemic multicast: push, pull or push-pull to random peers (Demers et al. 1987).
    gossip::GossipFamily => Gossip,
    /// Rumor mongering: hot rumors pushed or pulled to random members until k unnecessary
    /// contacts, with anti-entropy as an optional backstop (Demers et al. 1987).
    rumor::RumorFamily => Rumor,
    /// Anti-entropy: periodic digest exchange with one random member (Demers et al. 1987).
    anti_entropy::AntiEntropyFamily => AntiEntropy,
    /// Bimodal multicast: an unreliable first phase, then gossip rounds of digests, solicitations
    /// and limited retransmissions (Birman et al. 1999).
    pbcast::PbcastFamily => Pbcast,
    /// Epidemic broadcast trees over HyParView: payload on tree links, IHAVE on the others,
    /// GRAFT and PRUNE to heal and trim the tree (Leitão et al. 2007).
    plumtree::PlumtreeFamily => Plumtree,
    /// GossipSub v1.1: a scored mesh kept by GRAFT and PRUNE, with IHAVE/IWANT gossip (libp2p;
    /// Vyzovitis et al. 2020).
    gossipsub::GossipsubFamily => Gossipsub,
}

impl ProtocolSpec {
    /// Every registered family's `kind`, in the page's order.
    pub fn kinds() -> impl Iterator<Item = &'static str> {
        FAMILIES.iter().map(|f| f.kind())
    }

    /// A protocol of `kind` with its default parameters; `None` for an unknown kind.
    pub fn default_of(kind: &str) -> Option<ProtocolSpec> {
        registry::family(kind).map(|f| f.default_spec())
    }

    /// Its `kind` tag.
    pub fn kind(&self) -> &'static str {
        self.info().kind()
    }

    /// Its parameter table.
    pub fn params(&self) -> &'static [ParamDoc] {
        self.info().params()
    }
}
