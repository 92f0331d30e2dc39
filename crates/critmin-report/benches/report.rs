//! The main job, `critmin report`, on the embedded data: loading and validating the data,
//! computing every metric (in `critmin-app`), and rendering the HTML. Run with
//! `cargo bench -p critmin-report`.

use criterion::{Criterion, criterion_group, criterion_main};
use critmin_app::report::{ReportOptions, build_report};

fn report(c: &mut Criterion) {
    c.bench_function("load embedded dataset", |b| {
        b.iter(|| critmin_data::load_embedded().unwrap())
    });
    let ds = critmin_data::load_embedded().unwrap();
    let options = ReportOptions::default();
    c.bench_function("build report", |b| b.iter(|| build_report(&ds, &options)));
    let report = build_report(&ds, &options);
    c.bench_function("render html", |b| b.iter(|| critmin_report::to_html(&report)));
    c.bench_function("whole report job", |b| {
        b.iter(|| {
            let ds = critmin_data::load_embedded().unwrap();
            critmin_report::to_html(&build_report(&ds, &options))
        })
    });
}

criterion_group!(benches, report);
criterion_main!(benches);
