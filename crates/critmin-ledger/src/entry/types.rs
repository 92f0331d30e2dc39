//! What an entry says, as Rust values: identifiers, roles, lots, the payload of each kind of
//! entry, and the signed entry itself. JSON (serde) is how the shells write payloads; the bytes
//! that are signed and logged are the canonical encoding of `encoding`.

use critmin_model::CountryCode;
use serde::{Deserialize, Serialize};

use super::PublicKey;
use super::hex::hex_key;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("Identifier of ", $what, ": 1 to 64 characters of `A-Z a-z 0-9 . _ - :`.")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(OrgId, "an organisation");
id_type!(LotId, "a material lot");

/// What an organisation may do in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the log: registers organisations, signs checkpoints, marks lots public. No business
    /// writes.
    Operator,
    /// A supply-chain company: extracts, transfers, transforms and recycles its own lots.
    Member,
    /// Reads and attests; writes nothing but attestations.
    Auditor,
}

impl Role {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Member => "member",
            Role::Auditor => "auditor",
        }
    }
}

/// ISO 22095 chain-of-custody model declared for a transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustodyModel {
    /// Identity preserved: every input traces to one single origin lot.
    IdentityPreserved,
    /// Segregated: inputs may be mixed only if they share one origin country and kind
    /// (primary or recycled).
    Segregated,
    /// Mass balance: mixing allowed; claims on outputs are credits debited from the site's
    /// account, which physical qualifying inputs fill.
    MassBalance,
}

/// Contained-element fraction of a lot, in parts per million of its mass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Element (critmin mineral id, lower case: `cobalt`, `lithium`, `nickel`).
    pub element: String,
    /// Fraction of the lot's mass that is this element, in ppm (1..=1,000,000).
    pub ppm: u32,
}

/// A new material lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotSpec {
    /// Identifier, unique in the log.
    pub id: LotId,
    /// Physical form (`ore`, `concentrate`, `hydroxide`, `sulphate`, `cathode`, `black-mass` …).
    pub form: String,
    /// Mass in grams.
    pub mass_g: u64,
    /// Contained elements.
    pub grades: Vec<Grade>,
    /// Country of the site where the lot came into being (mine, plant, recycler).
    #[serde(with = "country_serde")]
    pub country: CountryCode,
}

impl LotSpec {
    /// Contained mass of `element`, in micrograms (grams × ppm), exact.
    pub fn contained_ug(&self, element: &str) -> u128 {
        self.grades
            .iter()
            .filter(|g| g.element == element)
            .map(|g| u128::from(self.mass_g) * u128::from(g.ppm))
            .sum()
    }
}

/// A quantity taken from an existing lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotUse {
    /// The lot.
    pub lot: LotId,
    /// Grams taken from it.
    pub mass_g: u64,
}

/// Material entering a recycler from outside the ledger (scrap, end-of-life batteries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    /// What it is.
    pub description: String,
    /// Mass in grams.
    pub mass_g: u64,
    /// Contained elements.
    pub grades: Vec<Grade>,
}

/// Where a unit of contained element comes from, for mass-balance credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// Country of extraction, or of recycling for recycled material.
    #[serde(with = "country_serde")]
    pub country: CountryCode,
    /// Whether it is secondary (recycled) material.
    pub recycled: bool,
}

/// Mass-balance credits allocated to an output lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditClaim {
    /// The output lot (of the same transformation).
    pub lot: LotId,
    /// Element.
    pub element: String,
    /// Characteristic claimed.
    pub origin: Origin,
    /// Contained element claimed, in micrograms.
    pub ug: u128,
}

/// What an entry says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Payload {
    /// The operator registers an organisation with its first key (the operator's own
    /// registration is the log's first entry, signed by itself).
    RegisterOrg {
        /// New organisation.
        org: OrgId,
        /// Its role.
        role: Role,
        /// Display name.
        name: String,
        /// Home country.
        #[serde(with = "country_serde")]
        country: CountryCode,
        /// Its first public key (hex in JSON).
        #[serde(with = "hex_key")]
        key: PublicKey,
    },
    /// An organisation adds a key (rotation: add the new key, then revoke the old one).
    AddKey {
        /// The new key.
        #[serde(with = "hex_key")]
        key: PublicKey,
    },
    /// An organisation revokes one of its keys (at least one must stay active).
    RevokeKey {
        /// The key to revoke.
        #[serde(with = "hex_key")]
        key: PublicKey,
    },
    /// Extraction at a mine: a new primary lot.
    Extract {
        /// The lot.
        lot: LotSpec,
        /// Mine or site name.
        site: String,
    },
    /// Transfer of custody of a whole lot to another member.
    Transfer {
        /// The lot.
        lot: LotId,
        /// The receiving organisation.
        to: OrgId,
    },
    /// Processing: input lots (in the signer's custody) become output lots.
    Transform {
        /// Quantities consumed.
        inputs: Vec<LotUse>,
        /// New lots.
        outputs: Vec<LotSpec>,
        /// Allowed per-element imbalance |in − out| / in, in ppm.
        tolerance_ppm: u32,
        /// Chain-of-custody model.
        model: CustodyModel,
        /// Mass-balance credits allocated to outputs (mass-balance model only).
        #[serde(default)]
        credits: Vec<CreditClaim>,
    },
    /// Recycling: lots and outside feed become secondary output lots.
    Recycle {
        /// Ledger lots consumed.
        #[serde(default)]
        inputs: Vec<LotUse>,
        /// Material from outside the ledger.
        #[serde(default)]
        feed: Vec<Feed>,
        /// New secondary lots.
        outputs: Vec<LotSpec>,
        /// Allowed per-element imbalance, in ppm.
        tolerance_ppm: u32,
        /// Whether the feed is post-consumer waste (otherwise manufacturing scrap).
        post_consumer: bool,
    },
    /// An auditor's attestation about an earlier entry.
    Attest {
        /// Leaf index of the entry attested.
        subject: u64,
        /// Whether the auditor confirms it.
        verdict: bool,
        /// What was checked.
        statement: String,
    },
    /// The operator marks a lot (and its provenance) public.
    Publish {
        /// The lot.
        lot: LotId,
    },
}

impl Payload {
    /// The lots an entry creates, moves, consumes or publishes.
    pub fn lots(&self) -> Vec<&LotId> {
        match self {
            Payload::Extract { lot, .. } => vec![&lot.id],
            Payload::Transfer { lot, .. } | Payload::Publish { lot } => vec![lot],
            Payload::Transform { inputs, outputs, .. } | Payload::Recycle { inputs, outputs, .. } => inputs
                .iter()
                .map(|u| &u.lot)
                .chain(outputs.iter().map(|o| &o.id))
                .collect(),
            Payload::RegisterOrg { .. }
            | Payload::AddKey { .. }
            | Payload::RevokeKey { .. }
            | Payload::Attest { .. } => Vec::new(),
        }
    }

    /// Short name of the kind of entry (the write route).
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::RegisterOrg { .. } => "register_org",
            Payload::AddKey { .. } => "add_key",
            Payload::RevokeKey { .. } => "revoke_key",
            Payload::Extract { .. } => "extract",
            Payload::Transfer { .. } => "transfer",
            Payload::Transform { .. } => "transform",
            Payload::Recycle { .. } => "recycle",
            Payload::Attest { .. } => "attest",
            Payload::Publish { .. } => "publish",
        }
    }
}

/// The signed part of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryBody {
    /// Log origin (name of the log), so an entry cannot be replayed into another log.
    pub origin: String,
    /// The organisation speaking.
    pub org: OrgId,
    /// The key that signs.
    #[serde(with = "hex_key")]
    pub key: PublicKey,
    /// Per-key sequence number: 0 for a key's first entry, then +1 each time.
    pub seq: u64,
    /// Unix seconds, as stated by the signer.
    pub timestamp: i64,
    /// What it says.
    pub payload: Payload,
}

/// A signed entry: the leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedEntry {
    /// The signed content.
    pub body: EntryBody,
    /// ed25519 signature over [`SIGNING_CONTEXT`] ‖ encoded body.
    pub signature: [u8; 64],
}

/// Serde for country codes as three upper-case letters.
mod country_serde {
    use critmin_model::CountryCode;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(c: &CountryCode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(c.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CountryCode, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e| D::Error::custom(format!("{e}")))
    }
}
