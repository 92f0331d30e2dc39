//! `critmin ledger`: the real binary on a ledger in a temporary directory — a small supply
//! chain end to end, access rules seen from the command line, proofs against the public RFC
//! 9162 vectors, and offline bundles (valid, tampered, unreadable).

mod support;

use std::path::Path;

use support::{critmin_with, records, tmp};

fn ledger(dir: &Path, args: &[&str]) -> support::Run {
    let ledger_dir = dir.join("ledger");
    critmin_with(
        dir,
        &[&["ledger"], args].concat(),
        &[("CRITMIN_LEDGER", ledger_dir.to_str().unwrap())],
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_owned()
}

fn log_size(dir: &Path) -> usize {
    records(&ledger(dir, &["show", "--format", "json"]).success().json()).len()
}

/// Operator, a Congolese mine, an Australian mine, a refiner in Finland, a US recycler, a US
/// cathode maker and an auditor; ore from both mines refined together, plus recycled cobalt.
fn chain(dir: &Path) {
    ledger(dir, &["init", "--origin", "cli-test-log"]).success();
    for (org, role, country) in [
        ("mine-cd", "member", "COD"),
        ("mine-au", "member", "AUS"),
        ("refiner", "member", "FIN"),
        ("recycler", "member", "USA"),
        ("cathode", "member", "USA"),
        ("auditor", "auditor", "IND"),
    ] {
        ledger(
            dir,
            &["org", "add", org, "--role", role, "--name", org, "--country", country],
        )
        .success();
    }
    let ore = |id: &str, ppm: u32, c: &str, to: &str| {
        format!(
            r#"[{{"type":"extract","lot":{{"id":"{id}","form":"ore","mass_g":1000000,"grades":[{{"element":"cobalt","ppm":{ppm}}}],"country":"{c}"}},"site":"pit"}},
               {{"type":"transfer","lot":"{id}","to":"{to}"}}]"#
        )
    };
    let f = write(dir, "cd.json", &ore("ore-cd", 20_000, "COD", "refiner"));
    ledger(dir, &["append", &f, "--as", "mine-cd"]).success();
    let f = write(dir, "au.json", &ore("ore-au", 10_000, "AUS", "refiner"));
    ledger(dir, &["append", &f, "--as", "mine-au"]).success();
    let f = write(
        dir,
        "refine.json",
        r#"[{"type":"transform","inputs":[{"lot":"ore-cd","mass_g":1000000},{"lot":"ore-au","mass_g":1000000}],
             "outputs":[{"id":"sulphate-1","form":"sulphate","mass_g":140000,"grades":[{"element":"cobalt","ppm":200000}],"country":"FIN"}],
             "tolerance_ppm":100000,"model":"mass_balance"},
            {"type":"transfer","lot":"sulphate-1","to":"cathode"}]"#,
    );
    ledger(dir, &["append", &f, "--as", "refiner"]).success();
    let f = write(
        dir,
        "recycle.json",
        r#"[{"type":"recycle","feed":[{"description":"end-of-life batteries","mass_g":100000,"grades":[{"element":"cobalt","ppm":100000}]}],
             "outputs":[{"id":"rec-1","form":"sulphate","mass_g":50000,"grades":[{"element":"cobalt","ppm":190000}],"country":"USA"}],
             "tolerance_ppm":50000,"post_consumer":true},
            {"type":"transfer","lot":"rec-1","to":"cathode"}]"#,
    );
    ledger(dir, &["append", &f, "--as", "recycler"]).success();
    let f = write(
        dir,
        "cathode.json",
        r#"{"type":"transform","inputs":[{"lot":"sulphate-1","mass_g":70000},{"lot":"rec-1","mass_g":50000}],
            "outputs":[{"id":"cathode-1","form":"cathode","mass_g":100000,"grades":[{"element":"cobalt","ppm":230000}],"country":"USA"}],
            "tolerance_ppm":50000,"model":"mass_balance"}"#,
    );
    ledger(dir, &["append", &f, "--as", "cathode"]).success();
}

#[test]
fn a_supply_chain_end_to_end() {
    let t = tmp();
    let dir = t.path();
    chain(dir);
    assert_eq!(log_size(dir), 16);

    let p = ledger(dir, &["provenance", "cathode-1", "--format", "json"])
        .success()
        .json();
    let share = |measure: &str| {
        records(&p)
            .iter()
            .find(|r| r["measure"] == measure)
            .unwrap_or_else(|| panic!("no `{measure}` in {p}"))["exact"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(share("recycled"), "19/47");
    assert_eq!(share("origin COD"), "56/141");
    assert_eq!(share("origin AUS"), "28/141");

    // EU recycled content: 40 % recycled cobalt passes the 2031 and 2036 minimums.
    let pass = ledger(
        dir,
        &[
            "claim",
            "cathode-1",
            "--rule",
            "eu-2023-1542-recycled-content",
            "--date",
            "2036-09-01",
        ],
    )
    .success();
    assert!(pass.stdout.starts_with("PASS"), "{}", pass.stdout);
    assert!(pass.stdout.contains(">= 26.0%"), "{}", pass.stdout);
    // Refined in Finland from Congolese and Australian ore: a third qualifies for §30D in 2026.
    let fail = ledger(
        dir,
        &[
            "claim",
            "sulphate-1",
            "--rule",
            "us-30d-critical-minerals",
            "--date",
            "2026-03-01",
        ],
    )
    .fails_with(1);
    assert!(fail.stdout.starts_with("FAIL"), "{}", fail.stdout);
    assert!(
        fail.stdout.contains("33.3%") && fail.stdout.contains(">= 70.0%"),
        "{}",
        fail.stdout
    );
    ledger(dir, &["claim", "cathode-1", "--rule", "no-such-rule"]).fails_with(1);
    ledger(dir, &["claim", "nope", "--rule", "us-30d-critical-minerals"]).fails_with(1);
    assert!(ledger(dir, &["rules"]).success().stdout.contains("NOT verified"));

    // An auditor attests, the bundle verifies offline with the pinned log key.
    let f = write(
        dir,
        "attest.json",
        r#"{"type":"attest","subject":15,"verdict":true,"statement":"batch records checked"}"#,
    );
    ledger(dir, &["append", &f, "--as", "auditor"]).success();
    ledger(
        dir,
        &[
            "export",
            "--lot",
            "cathode-1",
            "--out",
            "bundle.json",
            "--passport",
            "passport.json",
        ],
    )
    .success();
    let key = std::fs::read_to_string(dir.join("ledger/keys/operator.key")).unwrap();
    let log_key = {
        let secret: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&key.trim()[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let sk = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap());
        sk.verifying_key()
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let ok = ledger(dir, &["verify", "bundle.json", "--log-key", &log_key]).success();
    assert!(ok.stdout.starts_with("valid"), "{}", ok.stdout);
    assert!(ok.stdout.contains("recycled 40.4%"), "{}", ok.stdout);
    assert!(
        ok.stdout.contains("attestation: #16 auditor on #15: confirmed"),
        "{}",
        ok.stdout
    );
    let passport: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("passport.json")).unwrap()).unwrap();
    let recycled = passport["recycledContent"][0]["recycledShare"].as_f64().unwrap();
    assert!((recycled - 19.0 / 47.0).abs() < 1e-12);
    let post = passport["recycledContent"][0]["postConsumerShare"].as_f64().unwrap();
    assert!(
        (post - recycled).abs() < 1e-12,
        "the recycler declared post-consumer feed"
    );

    // Tampering: entries moved, a foreign log key, an unreadable file.
    let text = std::fs::read_to_string(dir.join("bundle.json")).unwrap();
    let mut bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = bundle["entries"].as_array_mut().unwrap();
    // Two entries swap places: each still carries a valid signature, but not at that index.
    let third = entries[3]["entry"].clone();
    entries[3]["entry"] = entries[4]["entry"].clone();
    entries[4]["entry"] = third;
    write(dir, "tampered.json", &bundle.to_string());
    let bad = ledger(dir, &["verify", "tampered.json"]).fails_with(1);
    assert!(bad.stdout.starts_with("invalid:"), "{}", bad.stdout);
    ledger(dir, &["verify", "bundle.json", "--log-key", &"00".repeat(32)]).fails_with(1);
    write(dir, "garbage.json", "{ not json");
    ledger(dir, &["verify", "garbage.json"]).fails_with(2);
    ledger(dir, &["verify", "missing.json"]).fails_with(2);
}

#[test]
fn writes_outside_a_role_or_custody_are_rejected_and_change_nothing() {
    let t = tmp();
    let dir = t.path();
    chain(dir);
    let before = log_size(dir);
    // The auditor may not move material; a member may not move a lot it does not hold, nor
    // register organisations; a mass-balance violation is refused.
    let f = write(
        dir,
        "move.json",
        r#"{"type":"transfer","lot":"cathode-1","to":"mine-cd"}"#,
    );
    let r = ledger(dir, &["append", &f, "--as", "auditor"]).fails_with(1);
    assert!(
        r.stderr.contains("role `auditor` may not write `transfer`"),
        "{}",
        r.stderr
    );
    let r = ledger(dir, &["append", &f, "--as", "mine-au"]).fails_with(1);
    assert!(r.stderr.contains("not in the custody of `mine-au`"), "{}", r.stderr);
    let f = write(
        dir,
        "reg.json",
        r#"{"type":"register_org","org":"x","role":"member","name":"x","country":"USA","key":"0000000000000000000000000000000000000000000000000000000000000000"}"#,
    );
    ledger(dir, &["append", &f, "--as", "mine-au"]).fails_with(1);
    let f = write(
        dir,
        "inflate.json",
        r#"{"type":"transform","inputs":[{"lot":"cathode-1","mass_g":1000}],
            "outputs":[{"id":"more","form":"cathode","mass_g":2000,"grades":[{"element":"cobalt","ppm":230000}],"country":"USA"}],
            "tolerance_ppm":1000,"model":"mass_balance"}"#,
    );
    let r = ledger(dir, &["append", &f, "--as", "cathode"]).fails_with(1);
    assert!(r.stderr.contains("mass balance of cobalt"), "{}", r.stderr);
    // Bad JSON names the entry and the field.
    let f = write(
        dir,
        "bad.json",
        r#"[{"type":"extract","lot":{"id":"a","form":"ore","mass_g":"lots"}}]"#,
    );
    let r = ledger(dir, &["append", &f, "--as", "mine-au"]).fails_with(1);
    assert!(r.stderr.contains("bad.json: entry 1"), "{}", r.stderr);
    assert_eq!(log_size(dir), before);

    // After a key rotation the old key is gone and the new one writes.
    let old_key = std::fs::read_to_string(dir.join("ledger/keys/mine-au.key")).unwrap();
    ledger(dir, &["key", "rotate", "mine-au"]).success();
    let f = write(
        dir,
        "more.json",
        r#"{"type":"extract","lot":{"id":"ore-au-2","form":"ore","mass_g":5,"grades":[{"element":"cobalt","ppm":10}],"country":"AUS"},"site":"pit"}"#,
    );
    ledger(dir, &["append", &f, "--as", "mine-au"]).success();
    std::fs::write(dir.join("ledger/keys/mine-au.key"), old_key).unwrap();
    let f = write(
        dir,
        "more2.json",
        r#"{"type":"extract","lot":{"id":"ore-au-3","form":"ore","mass_g":5,"grades":[{"element":"cobalt","ppm":10}],"country":"AUS"},"site":"pit"}"#,
    );
    let r = ledger(dir, &["append", &f, "--as", "mine-au"]).fails_with(1);
    assert!(r.stderr.contains("not an active key"), "{}", r.stderr);
}

#[test]
fn reads_follow_role_custody_and_publication() {
    let t = tmp();
    let dir = t.path();
    chain(dir);
    let public = ledger(dir, &["--viewer", "public", "provenance", "cathode-1"]).fails_with(1);
    assert!(public.stderr.contains("unknown lot `cathode-1`"), "{}", public.stderr);
    assert!(
        records(
            &ledger(dir, &["--viewer", "public", "show", "--format", "json"])
                .success()
                .json()
        )
        .is_empty()
    );
    // The mine sees its own ore, not what the refiner made of it; the auditor sees everything.
    ledger(dir, &["--viewer", "mine-cd", "provenance", "ore-cd"]).success();
    ledger(dir, &["--viewer", "mine-cd", "provenance", "sulphate-1"]).fails_with(1);
    ledger(dir, &["--viewer", "auditor", "provenance", "sulphate-1"]).success();
    let f = write(dir, "publish.json", r#"{"type":"publish","lot":"cathode-1"}"#);
    ledger(dir, &["append", &f, "--as", "cathode"]).fails_with(1);
    ledger(dir, &["append", &f, "--as", "operator"]).success();
    ledger(dir, &["--viewer", "public", "provenance", "cathode-1"]).success();
    ledger(
        dir,
        &[
            "--viewer",
            "public",
            "claim",
            "sulphate-1",
            "--rule",
            "us-30d-critical-minerals",
        ],
    )
    .fails_with(1);
    ledger(
        dir,
        &[
            "--viewer",
            "public",
            "export",
            "--lot",
            "cathode-1",
            "--out",
            "public.json",
        ],
    )
    .success();
}

fn vector_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/rfc9162");
    assert!(
        root.is_dir(),
        "RFC 9162 test vectors not found at {}: the repository's testdata/rfc9162 is missing",
        root.display()
    );
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn proof_verify_agrees_with_every_public_vector() {
    let t = tmp();
    let files = vector_files();
    assert_eq!(files.len(), 196);
    for f in files {
        let want_err =
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&f).unwrap()).unwrap()["wantErr"]
                .as_bool()
                .unwrap();
        let run = ledger(t.path(), &["proof", "verify", f.to_str().unwrap()]);
        if want_err {
            let run = run.fails_with(1);
            assert!(run.stdout.starts_with("invalid: "), "{}: {}", f.display(), run.stdout);
        } else {
            assert_eq!(run.success().stdout, "valid\n", "{}", f.display());
        }
    }
}

#[test]
fn generated_proofs_verify_and_unreadable_files_exit_2() {
    let t = tmp();
    let dir = t.path();
    chain(dir);
    ledger(dir, &["checkpoint"]).success();
    ledger(dir, &["proof", "inclusion", "--index", "7", "--out", "inc.json"]).success();
    ledger(dir, &["proof", "consistency", "--from", "3", "--out", "con.json"]).success();
    for f in ["inc.json", "con.json"] {
        assert_eq!(ledger(dir, &["proof", "verify", f]).success().stdout, "valid\n");
    }
    // The same proof for another leaf index is invalid.
    let text = std::fs::read_to_string(dir.join("inc.json"))
        .unwrap()
        .replace("\"leafIdx\": 7", "\"leafIdx\": 6");
    write(dir, "wrong.json", &text);
    ledger(dir, &["proof", "verify", "wrong.json"]).fails_with(1);
    write(dir, "text.txt", "hello");
    ledger(dir, &["proof", "verify", "text.txt"]).fails_with(2);
    write(dir, "shape.json", r#"{"leafIdx": 1}"#);
    ledger(dir, &["proof", "verify", "shape.json"]).fails_with(2);
    ledger(dir, &["proof", "verify", "absent.json"]).fails_with(2);
}
