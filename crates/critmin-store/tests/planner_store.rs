//! The planner's tables on SQLite and on a throwaway PostgreSQL: projects imported all or
//! nothing (cap per request, duplicate ids refused), portfolios (optimal and infeasible)
//! round-tripped with their JSON, newest first.

use critmin_store::test_postgres::ThrowawayPostgres;
use critmin_store::{MAX_PROJECTS_PER_REQUEST, NewPortfolio, NewProject, PlannerStoreError, Role, Store};
use serde_json::json;

fn project(id: &str) -> NewProject {
    NewProject {
        id: id.to_owned(),
        name: format!("project {id}"),
        mineral: "lithium".into(),
        stage: "mine".into(),
        country: "AUS".into(),
        csv: format!("id,name\n{id},project {id}\n"),
    }
}

async fn scenario(url: &str) {
    let store = Store::connect(url).await.expect("connect and migrate");
    let analyst = store.create_key(Role::Analyst, "planner").await.unwrap();
    let by = analyst.key.id.as_str();

    // An import is stored whole, in order, readable one by one.
    let import = store
        .insert_projects(by, &[project("P1"), project("P2")])
        .await
        .unwrap();
    let listed = store.list_projects().await.unwrap();
    assert_eq!(listed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["P1", "P2"]);
    assert!(listed.iter().all(|p| p.import_id == import && p.created_by == by));
    let p1 = store.get_project("P1").await.unwrap().unwrap();
    assert_eq!(p1.csv, project("P1").csv);
    assert_eq!((p1.mineral.as_str(), p1.country.as_str()), ("lithium", "AUS"));
    assert!(store.get_project("nope").await.unwrap().is_none());

    // Refused imports store nothing: an id already stored (even after new ones in the same
    // import), an id twice in one import, an empty import, too many projects, an unknown key.
    let e = store
        .insert_projects(by, &[project("P3"), project("P1")])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, PlannerStoreError::DuplicateId { id, index: 1 } if id == "P1"),
        "{e:?}"
    );
    let e = store
        .insert_projects(by, &[project("P4"), project("P4")])
        .await
        .unwrap_err();
    assert!(matches!(e, PlannerStoreError::DuplicateId { index: 1, .. }), "{e:?}");
    assert!(matches!(
        store.insert_projects(by, &[]).await.unwrap_err(),
        PlannerStoreError::Empty
    ));
    let many: Vec<NewProject> = (0..=MAX_PROJECTS_PER_REQUEST)
        .map(|i| project(&format!("M{i}")))
        .collect();
    let e = store.insert_projects(by, &many).await.unwrap_err();
    assert!(
        matches!(e, PlannerStoreError::TooManyProjects { count, max } if count == MAX_PROJECTS_PER_REQUEST + 1 && max == MAX_PROJECTS_PER_REQUEST),
        "{e:?}"
    );
    assert!(matches!(
        store
            .insert_projects("no-such-key", &[project("P5")])
            .await
            .unwrap_err(),
        PlannerStoreError::Store(_)
    ));
    assert_eq!(store.count_projects().await.unwrap(), 2);
    // The cap itself is allowed.
    let max: Vec<NewProject> = many[..MAX_PROJECTS_PER_REQUEST].to_vec();
    store.insert_projects(by, &max).await.unwrap();
    assert_eq!(
        store.count_projects().await.unwrap(),
        2 + MAX_PROJECTS_PER_REQUEST as i64
    );

    // Concurrent imports of the same id: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let store = store.clone();
        let by = by.to_owned();
        tasks.push(tokio::spawn(async move {
            store.insert_projects(&by, &[project("RACE")]).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(PlannerStoreError::DuplicateId { .. }) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(won, 1);

    // Portfolios: an optimal one and an infeasible one with its explanation.
    let job = store
        .create_job("optimize", &json!({"buyer": "IND"}), by)
        .await
        .unwrap();
    let optimal = NewPortfolio {
        job_id: Some(job.clone()),
        buyer: "IND".into(),
        mineral: "lithium".into(),
        status: "optimal".into(),
        spec: json!({"buyer": "IND", "budget_usd": 1e6}),
        result: json!({"objective_usd": 70000.0, "chosen": [{"id": "P1"}]}),
        explanation: None,
    };
    let first = store.insert_portfolio(by, &optimal).await.unwrap();
    let infeasible = NewPortfolio {
        job_id: None,
        buyer: "USA+IND".into(),
        mineral: "lithium".into(),
        status: "infeasible".into(),
        spec: json!({"buyer": "USA+IND"}),
        result: json!({"violations": [{"constraint": "floor_quad", "amount": 12.5}]}),
        explanation: Some("no portfolio meets every constraint".into()),
    };
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = store.insert_portfolio(by, &infeasible).await.unwrap();
    let back = store.get_portfolio(&first.id).await.unwrap().unwrap();
    assert_eq!(back, first);
    assert_eq!(back.new, optimal);
    assert_eq!(store.portfolio_of_job(&job).await.unwrap().unwrap().id, first.id);
    let latest = store.list_portfolios(10).await.unwrap();
    assert_eq!(
        latest.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [second.id.as_str(), first.id.as_str()]
    );
    assert_eq!(
        latest[0].new.explanation.as_deref(),
        Some("no portfolio meets every constraint")
    );
    assert_eq!(store.list_portfolios(1).await.unwrap().len(), 1);
    // An unknown status violates the table's check and stores nothing.
    let bad = NewPortfolio {
        status: "great".into(),
        ..optimal.clone()
    };
    assert!(store.insert_portfolio(by, &bad).await.is_err());
    assert_eq!(store.list_portfolios(10).await.unwrap().len(), 2);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_tables_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&format!("sqlite:{}", dir.path().join("critmin.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_tables_on_postgres() {
    let Some(pg) = ThrowawayPostgres::start().expect("starting PostgreSQL") else {
        return;
    };
    scenario(pg.url()).await;
}
