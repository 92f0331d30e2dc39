//! The canonical byte encoding of entries (layout in the module documentation of `entry`): one
//! encoding per entry, read strictly. Field names in errors are the encoding's own.

use critmin_model::CountryCode;

use super::{
    CreditClaim, CustodyModel, EntryBody, Feed, Grade, LotId, LotSpec, LotUse, MAGIC, MAX_ENTRY_BYTES, MAX_ID,
    MAX_ITEMS, MAX_TEXT, OrgId, Origin, Payload, Role, SignedEntry, VERSION,
};
use crate::codec::{DecodeError, Reader, Writer};

fn invalid_tag(field: &'static str, tag: u8) -> DecodeError {
    DecodeError::Invalid {
        field,
        message: format!("tag {tag}"),
    }
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
        match b {
            0 => Ok(Role::Operator),
            1 => Ok(Role::Member),
            2 => Ok(Role::Auditor),
            _ => Err(invalid_tag("role", b)),
        }
    }
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
        match b {
            0 => Ok(CustodyModel::IdentityPreserved),
            1 => Ok(CustodyModel::Segregated),
            2 => Ok(CustodyModel::MassBalance),
            _ => Err(invalid_tag("model", b)),
        }
    }
}

fn write_grades(w: &mut Writer, grades: &[Grade]) {
    w.list(grades, |w, g| {
        w.str(&g.element);
        w.u32(g.ppm);
    });
}

fn read_grades(r: &mut Reader<'_>) -> Result<Vec<Grade>, DecodeError> {
    r.list("grades", MAX_ITEMS, 8, |r| {
        Ok(Grade {
            element: r.str("element", MAX_ID)?,
            ppm: r.u32("ppm")?,
        })
    })
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
    w.list(uses, |w, u| {
        w.str(&u.lot.0);
        w.u64(u.mass_g);
    });
}

fn read_uses(r: &mut Reader<'_>) -> Result<Vec<LotUse>, DecodeError> {
    r.list("inputs", MAX_ITEMS, 12, |r| {
        Ok(LotUse {
            lot: LotId(r.str("input.lot", MAX_ID)?),
            mass_g: r.u64("input.mass_g")?,
        })
    })
}

fn write_credit(w: &mut Writer, c: &CreditClaim) {
    w.str(&c.lot.0);
    w.str(&c.element);
    write_country(w, c.origin.country);
    w.bool(c.origin.recycled);
    w.u128(c.ug);
}

fn read_credit(r: &mut Reader<'_>) -> Result<CreditClaim, DecodeError> {
    Ok(CreditClaim {
        lot: LotId(r.str("credit.lot", MAX_ID)?),
        element: r.str("credit.element", MAX_ID)?,
        origin: Origin {
            country: read_country(r, "credit.country")?,
            recycled: r.bool("credit.recycled")?,
        },
        ug: r.u128("credit.ug")?,
    })
}

fn write_feed(w: &mut Writer, f: &Feed) {
    w.str(&f.description);
    w.u64(f.mass_g);
    write_grades(w, &f.grades);
}

fn read_feed(r: &mut Reader<'_>) -> Result<Feed, DecodeError> {
    Ok(Feed {
        description: r.str("feed.description", MAX_TEXT)?,
        mass_g: r.u64("feed.mass_g")?,
        grades: read_grades(r)?,
    })
}

fn write_payload(w: &mut Writer, payload: &Payload) {
    match payload {
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
            w.list(outputs, write_lot);
            w.u32(*tolerance_ppm);
            w.u8(model.tag());
            w.list(credits, write_credit);
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
            w.list(feed, write_feed);
            w.list(outputs, write_lot);
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

fn read_payload(r: &mut Reader<'_>) -> Result<Payload, DecodeError> {
    Ok(match r.u8("payload")? {
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
        5 => Payload::Transform {
            inputs: read_uses(r)?,
            outputs: r.list("outputs", MAX_ITEMS, 23, read_lot)?,
            tolerance_ppm: r.u32("tolerance_ppm")?,
            model: CustodyModel::from_tag(r.u8("model")?)?,
            credits: r.list("credits", MAX_ITEMS, 28, read_credit)?,
        },
        6 => Payload::Recycle {
            inputs: read_uses(r)?,
            feed: r.list("feed", MAX_ITEMS, 16, read_feed)?,
            outputs: r.list("outputs", MAX_ITEMS, 23, read_lot)?,
            tolerance_ppm: r.u32("tolerance_ppm")?,
            post_consumer: r.bool("post_consumer")?,
        },
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
    })
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
        write_payload(w, &self.payload);
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
        Ok(EntryBody {
            origin: r.str("origin", MAX_ID)?,
            org: OrgId(r.str("org", MAX_ID)?),
            key: r.array("key")?,
            seq: r.u64("seq")?,
            timestamp: r.i64("timestamp")?,
            payload: read_payload(r)?,
        })
    }
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
}
