//! Ledger entries: what an organisation states, in one canonical, versioned byte encoding,
//! signed with ed25519.
//!
//! Layout of a signed entry (all integers little-endian, strings and lists prefixed by a u32
//! length): magic `CMLE`, version `1`, log origin, organisation id, signer public key (32 bytes),
//! per-key sequence number (u64), timestamp (unix seconds, i64), payload tag (u8) and payload
//! fields, then the 64-byte signature. The signature covers [`SIGNING_CONTEXT`] followed by every
//! byte before it, so the origin (no cross-log replay) and the sequence number (no replay within
//! the log) are signed. The Merkle leaf is the whole signed entry.

use critmin_model::CountryCode;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::codec::{DecodeError, Reader, Writer};

/// First bytes of every encoded entry.
pub const MAGIC: &[u8; 4] = b"CMLE";
/// Version of the encoding written by this code.
pub const VERSION: u8 = 1;
/// Domain-separation prefix of the signed message.
pub const SIGNING_CONTEXT: &[u8] = b"critmin-ledger-entry/v1\0";
/// Largest encoded entry accepted, in bytes.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;
/// Most items in any list of an entry (inputs, outputs, grades, feeds, credits).
pub const MAX_ITEMS: usize = 256;
/// Longest free text (names, sites, statements).
pub const MAX_TEXT: usize = 1024;
/// Longest identifier (organisations, lots, log origin).
pub const MAX_ID: usize = 64;
/// Parts per million: grades and tolerances are integers on this scale (1,000,000 = 100 %).
pub const PPM: u32 = 1_000_000;

/// An ed25519 public key, 32 bytes.
pub type PublicKey = [u8; 32];

/// Why an entry's content is not allowed, independent of the ledger's state: the field at
/// fault and what was expected (the model's one `FieldError`).
pub use critmin_model::FieldError;

fn field_error(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

fn check_id(field: &str, s: &str) -> Result<(), FieldError> {
    let ok = !s.is_empty()
        && s.len() <= MAX_ID
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':'));
    if ok {
        Ok(())
    } else {
        Err(field_error(
            field,
            format!("`{s}`: expected 1 to {MAX_ID} characters of A-Z a-z 0-9 . _ - :"),
        ))
    }
}

fn check_text(field: &str, s: &str) -> Result<(), FieldError> {
    if s.len() > MAX_TEXT || s.chars().any(char::is_control) {
        return Err(field_error(
            field,
            format!("expected at most {MAX_TEXT} bytes of text without control characters"),
        ));
    }
    Ok(())
}

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
    fn tag(self) -> u8 {
        match self {
            Role::Operator => 0,
            Role::Member => 1,
            Role::Auditor => 2,
        }
    }
    fn from_tag(b: u8) -> Result<Role, DecodeError> {
        Ok(match b {
            0 => Role::Operator,
            1 => Role::Member,
            2 => Role::Auditor,
            _ => {
                return Err(DecodeError::Invalid {
                    field: "role",
                    message: format!("tag {b}"),
                });
            }
        })
    }
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

impl CustodyModel {
    fn tag(self) -> u8 {
        match self {
            CustodyModel::IdentityPreserved => 0,
            CustodyModel::Segregated => 1,
            CustodyModel::MassBalance => 2,
        }
    }
    fn from_tag(b: u8) -> Result<CustodyModel, DecodeError> {
        Ok(match b {
            0 => CustodyModel::IdentityPreserved,
            1 => CustodyModel::Segregated,
            2 => CustodyModel::MassBalance,
            _ => {
                return Err(DecodeError::Invalid {
                    field: "model",
                    message: format!("tag {b}"),
                });
            }
        })
    }
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

/// An entry whose signature has been checked against its own key (whether the key belongs to
/// the organisation is the ledger state's business).
#[derive(Debug, Clone)]
pub struct VerifiedEntry(SignedEntry);

impl VerifiedEntry {
    /// The entry.
    pub fn entry(&self) -> &SignedEntry {
        &self.0
    }
    /// Gives the entry back.
    pub fn into_inner(self) -> SignedEntry {
        self.0
    }
}

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The key bytes are not a valid ed25519 point.
    #[error("signer key is not a valid ed25519 public key")]
    BadKey,
    /// The signature does not verify.
    #[error("signature does not verify under the signer key")]
    BadSignature,
}

fn write_grades(w: &mut Writer, grades: &[Grade]) {
    w.count(grades.len());
    for g in grades {
        w.str(&g.element);
        w.u32(g.ppm);
    }
}

fn read_grades(r: &mut Reader<'_>) -> Result<Vec<Grade>, DecodeError> {
    let n = r.count("grades", MAX_ITEMS, 8)?;
    (0..n)
        .map(|_| {
            Ok(Grade {
                element: r.str("element", MAX_ID)?,
                ppm: r.u32("ppm")?,
            })
        })
        .collect()
}

fn write_country(w: &mut Writer, c: CountryCode) {
    w.bytes(c.as_str().as_bytes());
}

fn read_country(r: &mut Reader<'_>, field: &'static str) -> Result<CountryCode, DecodeError> {
    CountryCode::from_bytes(r.array(field)?).ok_or_else(|| DecodeError::Invalid {
        field,
        message: "expected three upper-case letters".into(),
    })
}

fn write_lot(w: &mut Writer, lot: &LotSpec) {
    w.str(&lot.id.0);
    w.str(&lot.form);
    w.u64(lot.mass_g);
    write_grades(w, &lot.grades);
    write_country(w, lot.country);
}

fn read_lot(r: &mut Reader<'_>) -> Result<LotSpec, DecodeError> {
    Ok(LotSpec {
        id: LotId(r.str("lot.id", MAX_ID)?),
        form: r.str("lot.form", MAX_ID)?,
        mass_g: r.u64("lot.mass_g")?,
        grades: read_grades(r)?,
        country: read_country(r, "lot.country")?,
    })
}

fn write_uses(w: &mut Writer, uses: &[LotUse]) {
    w.count(uses.len());
    for u in uses {
        w.str(&u.lot.0);
        w.u64(u.mass_g);
    }
}

fn read_uses(r: &mut Reader<'_>) -> Result<Vec<LotUse>, DecodeError> {
    let n = r.count("inputs", MAX_ITEMS, 12)?;
    (0..n)
        .map(|_| {
            Ok(LotUse {
                lot: LotId(r.str("input.lot", MAX_ID)?),
                mass_g: r.u64("input.mass_g")?,
            })
        })
        .collect()
}

fn write_lots(w: &mut Writer, lots: &[LotSpec]) {
    w.count(lots.len());
    for l in lots {
        write_lot(w, l);
    }
}

fn read_lots(r: &mut Reader<'_>) -> Result<Vec<LotSpec>, DecodeError> {
    let n = r.count("outputs", MAX_ITEMS, 23)?;
    (0..n).map(|_| read_lot(r)).collect()
}

impl EntryBody {
    fn encode_into(&self, w: &mut Writer) {
        w.bytes(MAGIC);
        w.u8(VERSION);
        w.str(&self.origin);
        w.str(&self.org.0);
        w.bytes(&self.key);
        w.u64(self.seq);
        w.i64(self.timestamp);
        match &self.payload {
            Payload::RegisterOrg {
                org,
                role,
                name,
                country,
                key,
            } => {
                w.u8(0);
                w.str(&org.0);
                w.u8(role.tag());
                w.str(name);
                write_country(w, *country);
                w.bytes(key);
            }
            Payload::AddKey { key } => {
                w.u8(1);
                w.bytes(key);
            }
            Payload::RevokeKey { key } => {
                w.u8(2);
                w.bytes(key);
            }
            Payload::Extract { lot, site } => {
                w.u8(3);
                write_lot(w, lot);
                w.str(site);
            }
            Payload::Transfer { lot, to } => {
                w.u8(4);
                w.str(&lot.0);
                w.str(&to.0);
            }
            Payload::Transform {
                inputs,
                outputs,
                tolerance_ppm,
                model,
                credits,
            } => {
                w.u8(5);
                write_uses(w, inputs);
                write_lots(w, outputs);
                w.u32(*tolerance_ppm);
                w.u8(model.tag());
                w.count(credits.len());
                for c in credits {
                    w.str(&c.lot.0);
                    w.str(&c.element);
                    write_country(w, c.origin.country);
                    w.bool(c.origin.recycled);
                    w.u128(c.ug);
                }
            }
            Payload::Recycle {
                inputs,
                feed,
                outputs,
                tolerance_ppm,
                post_consumer,
            } => {
                w.u8(6);
                write_uses(w, inputs);
                w.count(feed.len());
                for f in feed {
                    w.str(&f.description);
                    w.u64(f.mass_g);
                    write_grades(w, &f.grades);
                }
                write_lots(w, outputs);
                w.u32(*tolerance_ppm);
                w.bool(*post_consumer);
            }
            Payload::Attest {
                subject,
                verdict,
                statement,
            } => {
                w.u8(7);
                w.u64(*subject);
                w.bool(*verdict);
                w.str(statement);
            }
            Payload::Publish { lot } => {
                w.u8(8);
                w.str(&lot.0);
            }
        }
    }

    /// The canonical encoding of the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.encode_into(&mut w);
        w.buf
    }

    fn decode_from(r: &mut Reader<'_>) -> Result<EntryBody, DecodeError> {
        if r.take(4, "magic")? != MAGIC {
            return Err(DecodeError::Invalid {
                field: "magic",
                message: "not a critmin ledger entry".into(),
            });
        }
        let version = r.u8("version")?;
        if version != VERSION {
            return Err(DecodeError::Invalid {
                field: "version",
                message: format!("{version}, expected {VERSION}"),
            });
        }
        let origin = r.str("origin", MAX_ID)?;
        let org = OrgId(r.str("org", MAX_ID)?);
        let key = r.array("key")?;
        let seq = r.u64("seq")?;
        let timestamp = r.i64("timestamp")?;
        let payload = match r.u8("payload")? {
            0 => Payload::RegisterOrg {
                org: OrgId(r.str("org", MAX_ID)?),
                role: Role::from_tag(r.u8("role")?)?,
                name: r.str("name", MAX_TEXT)?,
                country: read_country(r, "country")?,
                key: r.array("key")?,
            },
            1 => Payload::AddKey { key: r.array("key")? },
            2 => Payload::RevokeKey { key: r.array("key")? },
            3 => Payload::Extract {
                lot: read_lot(r)?,
                site: r.str("site", MAX_TEXT)?,
            },
            4 => Payload::Transfer {
                lot: LotId(r.str("lot", MAX_ID)?),
                to: OrgId(r.str("to", MAX_ID)?),
            },
            5 => {
                let inputs = read_uses(r)?;
                let outputs = read_lots(r)?;
                let tolerance_ppm = r.u32("tolerance_ppm")?;
                let model = CustodyModel::from_tag(r.u8("model")?)?;
                let n = r.count("credits", MAX_ITEMS, 28)?;
                let credits = (0..n)
                    .map(|_| {
                        Ok(CreditClaim {
                            lot: LotId(r.str("credit.lot", MAX_ID)?),
                            element: r.str("credit.element", MAX_ID)?,
                            origin: Origin {
                                country: read_country(r, "credit.country")?,
                                recycled: r.bool("credit.recycled")?,
                            },
                            ug: r.u128("credit.ug")?,
                        })
                    })
                    .collect::<Result<_, DecodeError>>()?;
                Payload::Transform {
                    inputs,
                    outputs,
                    tolerance_ppm,
                    model,
                    credits,
                }
            }
            6 => {
                let inputs = read_uses(r)?;
                let n = r.count("feed", MAX_ITEMS, 16)?;
                let feed = (0..n)
                    .map(|_| {
                        Ok(Feed {
                            description: r.str("feed.description", MAX_TEXT)?,
                            mass_g: r.u64("feed.mass_g")?,
                            grades: read_grades(r)?,
                        })
                    })
                    .collect::<Result<_, DecodeError>>()?;
                Payload::Recycle {
                    inputs,
                    feed,
                    outputs: read_lots(r)?,
                    tolerance_ppm: r.u32("tolerance_ppm")?,
                    post_consumer: r.bool("post_consumer")?,
                }
            }
            7 => Payload::Attest {
                subject: r.u64("subject")?,
                verdict: r.bool("verdict")?,
                statement: r.str("statement", MAX_TEXT)?,
            },
            8 => Payload::Publish {
                lot: LotId(r.str("lot", MAX_ID)?),
            },
            tag => {
                return Err(DecodeError::Invalid {
                    field: "payload",
                    message: format!("unknown tag {tag}"),
                });
            }
        };
        Ok(EntryBody {
            origin,
            org,
            key,
            seq,
            timestamp,
            payload,
        })
    }

    /// Signs the body.
    pub fn sign(self, key: &SigningKey) -> SignedEntry {
        let message = signing_message(&self.encode());
        SignedEntry {
            body: self,
            signature: key.sign(&message).to_bytes(),
        }
    }

    /// Checks the content rules that need no ledger state: identifiers, text, grades, masses.
    pub fn check_fields(&self) -> Result<(), FieldError> {
        check_id("origin", &self.origin)?;
        check_id("org", self.org.as_str())?;
        let check_grades = |field: &str, grades: &[Grade]| -> Result<(), FieldError> {
            if grades.is_empty() {
                return Err(field_error(field, "at least one contained element expected"));
            }
            let mut total: u64 = 0;
            for (i, g) in grades.iter().enumerate() {
                let ok = !g.element.is_empty()
                    && g.element.len() <= 32
                    && g.element.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
                if !ok {
                    return Err(field_error(
                        format!("{field}[{i}].element"),
                        format!("`{}`: expected a lower-case mineral id such as cobalt", g.element),
                    ));
                }
                if g.ppm == 0 || g.ppm > PPM {
                    return Err(field_error(
                        format!("{field}[{i}].ppm"),
                        format!("{}: expected 1 to {PPM}", g.ppm),
                    ));
                }
                if grades[..i].iter().any(|h| h.element == g.element) {
                    return Err(field_error(
                        format!("{field}[{i}].element"),
                        format!("`{}` listed twice", g.element),
                    ));
                }
                total += u64::from(g.ppm);
            }
            if total > u64::from(PPM) {
                return Err(field_error(
                    field,
                    format!("grades add up to {total} ppm, more than the whole mass"),
                ));
            }
            Ok(())
        };
        let check_lot = |field: &str, lot: &LotSpec| -> Result<(), FieldError> {
            check_id(&format!("{field}.id"), lot.id.as_str())?;
            check_id(&format!("{field}.form"), &lot.form)?;
            if lot.mass_g == 0 {
                return Err(field_error(
                    format!("{field}.mass_g"),
                    "expected a positive mass in grams",
                ));
            }
            if lot.country.is_pseudo() {
                return Err(field_error(
                    format!("{field}.country"),
                    "expected a real country, not WLD or ROW",
                ));
            }
            check_grades(&format!("{field}.grades"), &lot.grades)
        };
        let check_uses = |uses: &[LotUse]| -> Result<(), FieldError> {
            for (i, u) in uses.iter().enumerate() {
                check_id(&format!("inputs[{i}].lot"), u.lot.as_str())?;
                if u.mass_g == 0 {
                    return Err(field_error(
                        format!("inputs[{i}].mass_g"),
                        "expected a positive mass in grams",
                    ));
                }
                if uses[..i].iter().any(|v| v.lot == u.lot) {
                    return Err(field_error(
                        format!("inputs[{i}].lot"),
                        format!("`{}` listed twice", u.lot),
                    ));
                }
            }
            Ok(())
        };
        let check_outputs = |outputs: &[LotSpec]| -> Result<(), FieldError> {
            if outputs.is_empty() {
                return Err(field_error("outputs", "at least one output lot expected"));
            }
            for (i, o) in outputs.iter().enumerate() {
                check_lot(&format!("outputs[{i}]"), o)?;
                if outputs[..i].iter().any(|p| p.id == o.id) {
                    return Err(field_error(
                        format!("outputs[{i}].id"),
                        format!("`{}` listed twice", o.id),
                    ));
                }
            }
            Ok(())
        };
        match &self.payload {
            Payload::RegisterOrg { org, name, country, .. } => {
                check_id("org", org.as_str())?;
                check_text("name", name)?;
                if country.is_pseudo() {
                    return Err(field_error("country", "expected a real country, not WLD or ROW"));
                }
            }
            Payload::AddKey { .. } | Payload::RevokeKey { .. } => {}
            Payload::Extract { lot, site } => {
                check_lot("lot", lot)?;
                check_text("site", site)?;
            }
            Payload::Transfer { lot, to } => {
                check_id("lot", lot.as_str())?;
                check_id("to", to.as_str())?;
            }
            Payload::Transform { inputs, outputs, .. } => {
                if inputs.is_empty() {
                    return Err(field_error("inputs", "at least one input lot expected"));
                }
                check_uses(inputs)?;
                check_outputs(outputs)?;
            }
            Payload::Recycle {
                inputs, feed, outputs, ..
            } => {
                if inputs.is_empty() && feed.is_empty() {
                    return Err(field_error("inputs", "a recycling needs input lots or outside feed"));
                }
                check_uses(inputs)?;
                for (i, f) in feed.iter().enumerate() {
                    check_text(&format!("feed[{i}].description"), &f.description)?;
                    if f.mass_g == 0 {
                        return Err(field_error(
                            format!("feed[{i}].mass_g"),
                            "expected a positive mass in grams",
                        ));
                    }
                    check_grades(&format!("feed[{i}].grades"), &f.grades)?;
                }
                check_outputs(outputs)?;
            }
            Payload::Attest { statement, .. } => check_text("statement", statement)?,
            Payload::Publish { lot } => check_id("lot", lot.as_str())?,
        }
        Ok(())
    }
}

/// The message an entry's signature covers.
pub fn signing_message(body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNING_CONTEXT.len() + body.len());
    m.extend_from_slice(SIGNING_CONTEXT);
    m.extend_from_slice(body);
    m
}

impl SignedEntry {
    /// The canonical encoding: the Merkle leaf.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.body.encode_into(&mut w);
        w.bytes(&self.signature);
        w.buf
    }

    /// Reads a canonical encoding (strict: one encoding per entry, nothing left over).
    pub fn decode(bytes: &[u8]) -> Result<SignedEntry, DecodeError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(DecodeError::TooLong {
                field: "entry",
                len: bytes.len() as u64,
                max: MAX_ENTRY_BYTES as u64,
            });
        }
        let mut r = Reader::new(bytes);
        let body = EntryBody::decode_from(&mut r)?;
        let signature = r.array("signature")?;
        r.finish()?;
        Ok(SignedEntry { body, signature })
    }

    /// Checks the signature against the entry's own key.
    pub fn verify_signature(self) -> Result<VerifiedEntry, SignatureError> {
        let Ok(key) = VerifyingKey::from_bytes(&self.body.key) else {
            return Err(SignatureError::BadKey);
        };
        let message = signing_message(&self.body.encode());
        match key.verify(&message, &Signature::from_bytes(&self.signature)) {
            Ok(()) => Ok(VerifiedEntry(self)),
            Err(_) => Err(SignatureError::BadSignature),
        }
    }
}

/// An organisation's signing key with its next sequence number: builds signed entries.
#[derive(Debug, Clone)]
pub struct Signer {
    /// Log origin.
    pub origin: String,
    /// The organisation.
    pub org: OrgId,
    /// Its key.
    pub key: SigningKey,
    /// Sequence number of the next entry.
    pub next_seq: u64,
}

impl Signer {
    /// A signer whose next entry has sequence number `next_seq`.
    pub fn new(origin: &str, org: &str, key: SigningKey, next_seq: u64) -> Signer {
        Signer {
            origin: origin.to_owned(),
            org: OrgId(org.to_owned()),
            key,
            next_seq,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.verifying_key().to_bytes()
    }

    /// Signs `payload` as the next entry, stamped `timestamp`.
    pub fn sign(&mut self, payload: Payload, timestamp: i64) -> SignedEntry {
        let body = EntryBody {
            origin: self.origin.clone(),
            org: self.org.clone(),
            key: self.public_key(),
            seq: self.next_seq,
            timestamp,
            payload,
        };
        self.next_seq += 1;
        body.sign(&self.key)
    }
}

/// Hex text of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex text.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Serde for public keys as 64 hex digits.
pub(crate) mod hex_key {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(crate) fn serialize<S: Serializer>(key: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::to_hex(key))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        super::from_hex(&text)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| D::Error::custom(format!("`{text}`: expected a public key as 64 hex digits")))
    }
}

/// Serde for country codes as three upper-case letters.
pub(crate) mod country_serde {
    use critmin_model::CountryCode;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(crate) fn serialize<S: Serializer>(c: &CountryCode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(c.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CountryCode, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e| D::Error::custom(format!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn sample() -> EntryBody {
        EntryBody {
            origin: "test-log".into(),
            org: OrgId("mine-co".into()),
            key: key(1).verifying_key().to_bytes(),
            seq: 7,
            timestamp: 1_750_000_000,
            payload: Payload::Transform {
                inputs: vec![LotUse {
                    lot: LotId("ore-1".into()),
                    mass_g: 1_000,
                }],
                outputs: vec![LotSpec {
                    id: LotId("conc-1".into()),
                    form: "concentrate".into(),
                    mass_g: 100,
                    grades: vec![Grade {
                        element: "cobalt".into(),
                        ppm: 90_000,
                    }],
                    country: "COD".parse().unwrap(),
                }],
                tolerance_ppm: 50_000,
                model: CustodyModel::MassBalance,
                credits: vec![CreditClaim {
                    lot: LotId("conc-1".into()),
                    element: "cobalt".into(),
                    origin: Origin {
                        country: "AUS".parse().unwrap(),
                        recycled: false,
                    },
                    ug: 12,
                }],
            },
        }
    }

    #[test]
    fn encoding_round_trips_and_signature_verifies() {
        let signed = sample().sign(&key(1));
        let bytes = signed.encode();
        let back = SignedEntry::decode(&bytes).unwrap();
        assert_eq!(back, signed);
        assert_eq!(back.encode(), bytes);
        back.verify_signature().unwrap();
    }

    #[test]
    fn any_changed_byte_breaks_decoding_or_the_signature() {
        let bytes = sample().sign(&key(1)).encode();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            if let Ok(entry) = SignedEntry::decode(&bad) {
                assert!(entry.verify_signature().is_err(), "flipping byte {i} went unnoticed");
            }
        }
    }

    #[test]
    fn truncated_or_padded_input_is_refused() {
        let bytes = sample().sign(&key(1)).encode();
        for n in 0..bytes.len() {
            assert!(SignedEntry::decode(&bytes[..n]).is_err());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(SignedEntry::decode(&longer), Err(DecodeError::Trailing(1)));
    }

    #[test]
    fn field_rules_name_the_field() {
        let mut body = sample();
        if let Payload::Transform { outputs, .. } = &mut body.payload {
            outputs[0].grades[0].ppm = 0;
        }
        let e = body.check_fields().unwrap_err();
        assert_eq!(e.field, "outputs[0].grades[0].ppm");
    }

    #[test]
    fn payloads_read_from_json() {
        let json = r#"{"type":"extract","lot":{"id":"ore-1","form":"ore","mass_g":5000,
            "grades":[{"element":"cobalt","ppm":10000}],"country":"COD"},"site":"Kamoto"}"#;
        let p: Payload = serde_json::from_str(json).unwrap();
        assert_eq!(p.kind(), "extract");
        assert!(serde_json::from_str::<Payload>(r#"{"type":"extract","extra":1}"#).is_err());
    }
}
