//! The store on SQLite and on a throwaway PostgreSQL: the same calls, the same results.

use critmin_store::test_postgres::ThrowawayPostgres;
use critmin_store::{Backend, JobStatus, NewDataset, Role, Store};
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
            "portfolios",
            "projects",
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
