//! The store on SQLite and on a throwaway PostgreSQL: the same calls, the same results.

use critmin_store::test_postgres::ThrowawayPostgres;
use critmin_store::{Backend, JobStatus, NewDataset, NewScenario, NewTradeDataset, Role, Store};
use serde_json::json;

async fn scenario(url: &str) {
    let store = Store::connect(url).await.expect("connect and migrate");
    // Migrations are idempotent: a second process on the same database starts cleanly.
    let again = Store::connect(url).await.expect("connect a second time");
    assert_eq!(
        store.table_names().await.unwrap(),
        vec![
            "_sqlx_migrations",
            "api_keys",
            "datasets",
            "jobs",
            "ledger_checkpoints",
            "ledger_entries",
            "ledger_key_orgs",
            "portfolios",
            "projects",
            "scenario_results",
            "scenarios",
            "trade_datasets",
        ]
    );

    // Keys: only the hash is stored; the secret authenticates until revoked.
    let admin = store.create_key(Role::Admin, "ops").await.unwrap();
    let viewer = store.create_key(Role::Viewer, "").await.unwrap();
    assert_ne!(admin.secret, viewer.secret);
    assert_eq!(
        again.authenticate(&admin.secret).await.unwrap(),
        Some(admin.key.clone())
    );
    assert_eq!(store.authenticate("cmk_not-a-key").await.unwrap(), None);
    assert_eq!(store.authenticate("no prefix").await.unwrap(), None);
    assert!(store.revoke_key(&viewer.key.id).await.unwrap());
    assert!(!store.revoke_key(&viewer.key.id).await.unwrap());
    assert_eq!(store.authenticate(&viewer.secret).await.unwrap(), None);

    // Datasets round-trip, JSON intact.
    let new = NewDataset {
        name: "lithium override ✓".into(),
        files: json!([{"name": "production.csv", "content": "a,b\n1,2\n"}]),
        report: json!({"ok": true, "series": 3}),
    };
    let stored = store.insert_dataset(&admin.key.id, &new).await.unwrap();
    let back = again.get_dataset(&stored.id).await.unwrap().expect("stored dataset");
    assert_eq!(back.summary, stored);
    assert_eq!(back.files, new.files);
    assert_eq!(back.report, new.report);
    assert!(store.get_dataset("missing").await.unwrap().is_none());
    // A dataset by an unknown key violates the foreign key and stores nothing.
    assert!(store.insert_dataset("no-such-key", &new).await.is_err());
    assert_eq!(store.count_datasets().await.unwrap(), 1);

    // Concurrent writers: every acknowledged insert is there.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        let by = admin.key.id.clone();
        tasks.push(tokio::spawn(async move {
            let new = NewDataset {
                name: format!("concurrent {i}"),
                files: json!([]),
                report: json!({}),
            };
            store.insert_dataset(&by, &new).await.map(|s| s.id)
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().expect("a concurrent insert"));
    }
    let listed: Vec<String> = store.list_datasets().await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed.len(), 41);
    assert!(ids.iter().all(|id| listed.contains(id)));

    // Jobs: queued → running with progress → succeeded with a result; or failed.
    let job = store.create_job("test", &json!({"n": 2}), &admin.key.id).await.unwrap();
    let j = store.get_job(&job).await.unwrap().unwrap();
    assert_eq!((j.status, j.progress_done, j.progress_total), (JobStatus::Queued, 0, 0));
    store.set_job_progress(&job, 1, 2).await.unwrap();
    let j = store.get_job(&job).await.unwrap().unwrap();
    assert_eq!(
        (j.status, j.progress_done, j.progress_total),
        (JobStatus::Running, 1, 2)
    );
    store.finish_job(&job, &json!({"answer": 42})).await.unwrap();
    let j = store.get_job(&job).await.unwrap().unwrap();
    assert_eq!(j.status, JobStatus::Succeeded);
    assert_eq!(j.progress_done, 2);
    assert_eq!(j.result, Some(json!({"answer": 42})));
    assert_eq!(j.params, json!({"n": 2}));

    // Saved scenarios: the request and its first result in one transaction; later runs add
    // results; a result for an unknown scenario or key stores nothing.
    scenarios_and_trade(&store, &again, &admin.key.id).await;

    // A job left running by a stopped process is failed on the next connect.
    let orphan = store.create_job("test", &json!({}), &admin.key.id).await.unwrap();
    store.set_job_progress(&orphan, 0, 5).await.unwrap();
    drop(again);
    let restarted = Store::connect(url).await.unwrap();
    let j = restarted.get_job(&orphan).await.unwrap().unwrap();
    assert_eq!(j.status, JobStatus::Failed);
    assert!(j.error.unwrap().contains("interrupted"));
    assert_eq!(
        restarted.get_job(&job).await.unwrap().unwrap().status,
        JobStatus::Succeeded
    );
    store.close().await;
    restarted.close().await;
    ledger_scenario(url).await;
}

/// The ledger's log in SQL: appends acknowledged only once committed, rejected entries store
/// nothing, one writer at a time, a reopened log equal to the one written, keys bound to
/// organisations.
async fn ledger_scenario(url: &str) {
    use critmin_ledger::entry::{Grade, LotSpec, Payload, Signer};
    use critmin_ledger::{Ledger, OrgId, Role as LedgerRole};
    use critmin_store::SqlLogStore;
    use ed25519_dalek::SigningKey;

    let store = Store::connect(url).await.unwrap();
    let log = SqlLogStore::open(&store).await.expect("the writer lock");
    // A second writer is locked out while the first holds the log.
    assert!(matches!(
        SqlLogStore::open(&store).await,
        Err(critmin_ledger::store::StoreError::Locked(_))
    ));
    let (size, root, checkpoints) = tokio::task::spawn_blocking(move || {
        let mut ledger = Ledger::open(log).unwrap();
        let op_key = SigningKey::from_bytes(&[1; 32]);
        let mine_key = SigningKey::from_bytes(&[2; 32]);
        let mut op = Signer::new("store-test-log", "operator", op_key.clone(), 0);
        let mut mine = Signer::new("store-test-log", "mine", mine_key.clone(), 0);
        let register = |s: &mut Signer, org: &str, role, key: &SigningKey| {
            s.sign(
                Payload::RegisterOrg {
                    org: OrgId(org.into()),
                    role,
                    name: org.into(),
                    country: "USA".parse().unwrap(),
                    key: key.verifying_key().to_bytes(),
                },
                1_700_000_000,
            )
        };
        let first = register(&mut op, "operator", LedgerRole::Operator, &op_key);
        assert_eq!(ledger.append(first).unwrap(), 0);
        let second = register(&mut op, "mine", LedgerRole::Member, &mine_key);
        let extract = mine.sign(
            Payload::Extract {
                lot: LotSpec {
                    id: critmin_ledger::LotId("ore-1".into()),
                    form: "ore".into(),
                    mass_g: 1_000_000,
                    grades: vec![Grade {
                        element: "cobalt".into(),
                        ppm: 20_000,
                    }],
                    country: "COD".parse().unwrap(),
                },
                site: "Kolwezi".into(),
            },
            1_700_000_100,
        );
        let replay = extract.clone();
        let results = ledger.append_batch(vec![second, extract]).unwrap();
        assert_eq!(results, vec![Ok(1), Ok(2)]);
        // A replayed entry is rejected and stores nothing.
        assert!(ledger.append(replay).is_err());
        assert_eq!(ledger.size(), 3);
        ledger.checkpoint(&op_key, 1_700_000_200).unwrap();
        (ledger.size(), ledger.tree().root(), ledger.checkpoints().to_vec())
    })
    .await
    .unwrap();
    assert_eq!(store.ledger_entry_count().await.unwrap(), 3);
    assert_eq!(store.ledger_checkpoint_count().await.unwrap(), 1);

    // Reopened (once the first writer's lock is gone): the same log, root and checkpoints.
    let mut reopened = None;
    for _ in 0..100 {
        match SqlLogStore::open(&store).await {
            Ok(log) => {
                reopened = Some(log);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    let log = reopened.expect("the lock is released when the writer is dropped");
    let ledger = tokio::task::spawn_blocking(move || Ledger::open(log).unwrap())
        .await
        .unwrap();
    assert_eq!(ledger.size(), size);
    assert_eq!(ledger.tree().root(), root);
    assert_eq!(ledger.checkpoints(), &checkpoints[..]);
    assert_eq!(ledger.state().origin(), "store-test-log");
    drop(ledger);

    // API keys bound to ledger organisations.
    let bound = store
        .create_ledger_key(Role::Analyst, "mine writer", "mine")
        .await
        .unwrap();
    let unbound = store.create_key(Role::Analyst, "").await.unwrap();
    assert_eq!(
        store.authenticate(&bound.secret).await.unwrap(),
        Some(bound.key.clone())
    );
    assert_eq!(
        store.ledger_org_of_key(&bound.key.id).await.unwrap().as_deref(),
        Some("mine")
    );
    assert_eq!(store.ledger_org_of_key(&unbound.key.id).await.unwrap(), None);
    store.close().await;
}

async fn scenarios_and_trade(store: &Store, again: &Store, by: &str) {
    let new = NewScenario {
        name: "DRC cobalt, half ✓".into(),
        mineral: "cobalt".into(),
        spec: json!({"mineral": "cobalt", "cuts": ["COD:mining:0.5"]}),
    };
    let first = json!({"shortfall_t": 1.5, "nodes": []});
    let (saved, first_id) = store.insert_scenario(by, &new, &first).await.unwrap();
    let back = again.get_scenario(&saved.id).await.unwrap().expect("saved scenario");
    assert_eq!(back.summary, saved);
    assert_eq!(back.spec, new.spec);
    assert_eq!(store.list_scenarios().await.unwrap(), vec![saved.clone()]);
    assert!(store.get_scenario("missing").await.unwrap().is_none());
    let second = store
        .insert_scenario_result(&saved.id, by, &json!({"shortfall_t": 2.0}))
        .await
        .unwrap();
    let results = again.list_scenario_results(&saved.id).await.unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].id, first_id);
    assert_eq!(results[0].result, first);
    assert_eq!(results[1], second);
    assert!(store.insert_scenario_result("missing", by, &json!({})).await.is_err());
    assert!(
        store
            .insert_scenario_result(&saved.id, "no-such-key", &json!({}))
            .await
            .is_err()
    );
    // A scenario by an unknown key: neither the scenario nor its result is stored.
    assert!(store.insert_scenario("no-such-key", &new, &first).await.is_err());
    assert_eq!(store.count_scenarios().await.unwrap(), 1);
    assert_eq!(store.count_scenario_results().await.unwrap(), 2);

    // Trade files round-trip, content intact.
    let trade = NewTradeDataset {
        name: "baci sample".into(),
        source: "baci".into(),
        content: "t,i,j,k,v,q\n2022,4,8,260500,1.5,2\n".into(),
        report: json!({"rows": 1}),
    };
    let stored = store.insert_trade(by, &trade).await.unwrap();
    let (summary, content) = again.get_trade(&stored.id).await.unwrap().expect("stored trade");
    assert_eq!(summary, stored);
    assert_eq!(content, trade.content);
    assert_eq!(store.list_trade().await.unwrap(), vec![stored]);
    assert!(store.insert_trade("no-such-key", &trade).await.is_err());
    assert_eq!(store.count_trade().await.unwrap(), 1);
    assert!(store.get_trade("missing").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("critmin.db").display());
    assert_eq!(Backend::of_url(&url).unwrap(), Backend::Sqlite);
    scenario(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_throwaway_server() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migrations_give_the_same_columns_on_both_engines() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::connect(&format!("sqlite:{}", dir.path().join("c.db").display()))
        .await
        .unwrap();
    let postgres = Store::connect(pg.url()).await.unwrap();
    let (a, b) = (
        sqlite.column_names().await.unwrap(),
        postgres.column_names().await.unwrap(),
    );
    assert!(a.iter().any(|(t, c)| t == "jobs" && c == "progress_total"), "{a:?}");
    assert_eq!(a, b);
}
