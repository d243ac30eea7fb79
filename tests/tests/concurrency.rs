//! Eight writers save the same page through the HTTP API for ten seconds: every save
//! lands (possibly merged) or returns 409; the history holds exactly the saves that
//! landed, none lost, none duplicated.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use carnet_tests::TestServer;
use serde_json::json;

const WRITERS: usize = 8;

/// Ten seconds as the issue asks; `CARNET_RACE_SECONDS` shortens it for quick runs.
fn duration() -> Duration {
    let seconds = std::env::var("CARNET_RACE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    Duration::from_secs(seconds)
}

struct WriterReport {
    writer: usize,
    landed: Vec<(i64, usize)>,
    conflicts: usize,
}

#[test]
fn eight_writers_for_ten_seconds_lose_nothing() {
    let server = Arc::new(TestServer::start());
    let initial: Vec<String> = (0..WRITERS).map(|i| format!("écrivain {i} : 0")).collect();
    let created = server.put_json(
        "/api/v1/pages/Course",
        &json!({"text": initial.join("\n\n"), "base_revision": null}),
    );
    created.assert_status(201);
    let first = created.json()["revision"]["id"].as_i64().unwrap();

    let barrier = Arc::new(Barrier::new(WRITERS));
    let deadline = duration();
    let handles: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let server = Arc::clone(&server);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let start = Instant::now();
                let mut report = WriterReport {
                    writer,
                    landed: Vec::new(),
                    conflicts: 0,
                };
                let mut round = 0;
                while start.elapsed() < deadline {
                    round += 1;
                    let page = server.get("/api/v1/pages/Course").json();
                    let base = page["revision"]["id"].as_i64().unwrap();
                    let text: Vec<String> = page["text"]
                        .as_str()
                        .unwrap()
                        .split("\n\n")
                        .enumerate()
                        .map(|(i, line)| {
                            if i == writer {
                                format!("écrivain {i} : {round}")
                            } else {
                                line.to_owned()
                            }
                        })
                        .collect();
                    let reply = server.put_json(
                        "/api/v1/pages/Course",
                        &json!({"text": text.join("\n\n"), "base_revision": base, "author": format!("Écrivain {writer}")}),
                    );
                    match reply.status {
                        200 => {
                            let body = reply.json();
                            assert_eq!(body["changed"], true, "{body}");
                            report
                                .landed
                                .push((body["revision"]["id"].as_i64().unwrap(), round));
                        }
                        409 => report.conflicts += 1,
                        other => panic!("writer {writer}: unexpected {other}: {}", reply.body),
                    }
                }
                report
            })
        })
        .collect();
    let reports: Vec<WriterReport> = handles.into_iter().map(|h| h.join().unwrap()).collect();

    let landed: Vec<i64> = reports
        .iter()
        .flat_map(|report| report.landed.iter().map(|(id, _)| *id))
        .chain(std::iter::once(first))
        .collect();
    let unique: BTreeSet<i64> = landed.iter().copied().collect();
    assert_eq!(
        unique.len(),
        landed.len(),
        "a revision id was reported twice"
    );

    // Walk the whole history through the API.
    let mut history = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let path = match before {
            Some(before) => format!("/api/v1/pages/Course/history?limit=500&before={before}"),
            None => "/api/v1/pages/Course/history?limit=500".to_owned(),
        };
        let page = server.get(&path).json();
        history.extend(page["revisions"].as_array().unwrap().iter().cloned());
        match page["older"].as_i64() {
            Some(older) => before = Some(older),
            None => break,
        }
    }
    let history_ids: BTreeSet<i64> = history.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(
        history_ids.len(),
        history.len(),
        "history lists a revision twice"
    );
    assert_eq!(
        history_ids, unique,
        "history holds exactly the saves that landed"
    );

    // One line of history: each revision's parent is the one before it.
    for pair in history.windows(2) {
        assert_eq!(pair[0]["parent"], pair[1]["id"]);
    }

    // Every writer's last landed value is in the final text: nothing was overwritten.
    let text = server.get("/api/v1/pages/Course").json()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let lines: Vec<&str> = text.split("\n\n").collect();
    for report in &reports {
        let round = report.landed.last().map(|(_, round)| *round).unwrap_or(0);
        assert_eq!(
            lines[report.writer],
            format!("écrivain {} : {round}", report.writer)
        );
    }
    let saves: usize = reports.iter().map(|r| r.landed.len()).sum();
    let conflicts: usize = reports.iter().map(|r| r.conflicts).sum();
    assert!(saves > WRITERS, "only {saves} saves landed in {deadline:?}");
    eprintln!("{saves} saves landed, {conflicts} conflicts, in {deadline:?}");
}
