//! A minimal blocking HTTP/1.1 client for tests, on a plain `TcpStream`: each request opens a
//! connection, sends exactly the bytes asked for (so tests can lie about `Content-Length`,
//! stream chunks or stall) and reads the answer until the server closes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// An answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body, chunked transfer decoded.
    pub body: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Talks to one server.
#[derive(Debug, Clone)]
pub struct Client {
    /// Server address.
    pub addr: SocketAddr,
}

impl Client {
    /// A client for the server at `addr`.
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr }
    }

    /// GET `path`, with an API key when given.
    pub fn get(&self, path: &str, key: Option<&str>) -> std::io::Result<Answer> {
        self.send("GET", path, key, None)
    }

    /// POST a JSON body to `path`, with an API key when given.
    pub fn post_json(&self, path: &str, key: Option<&str>, body: &str) -> std::io::Result<Answer> {
        self.send("POST", path, key, Some(body))
    }

    /// POST a body with the given `Content-Type` to `path`, with an API key when given.
    pub fn post_typed(&self, path: &str, key: Option<&str>, content_type: &str, body: &str) -> std::io::Result<Answer> {
        self.send_typed("POST", path, key, Some((content_type, body)))
    }

    fn send(&self, method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> std::io::Result<Answer> {
        self.send_typed(method, path, key, body.map(|b| ("application/json", b)))
    }

    fn send_typed(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<(&str, &str)>,
    ) -> std::io::Result<Answer> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(k) = key {
            head.push_str(&format!("Authorization: Bearer {k}\r\n"));
        }
        if let Some((t, b)) = body {
            head.push_str(&format!("Content-Type: {t}\r\nContent-Length: {}\r\n", b.len()));
        }
        head.push_str("\r\n");
        let mut raw = head.into_bytes();
        raw.extend_from_slice(body.map_or("", |(_, b)| b).as_bytes());
        self.raw(&raw, &[])
    }

    /// Sends `first`, then each of `later` after a pause of its duration, and reads the answer.
    /// A write failing because the server already answered and closed is not an error: the
    /// answer is still read.
    pub fn raw(&self, first: &[u8], later: &[(Duration, Vec<u8>)]) -> std::io::Result<Answer> {
        let mut stream = TcpStream::connect(self.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(120)))?;
        let mut ok = stream.write_all(first).is_ok();
        for (pause, bytes) in later {
            if !ok {
                break;
            }
            std::thread::sleep(*pause);
            ok = stream.write_all(bytes).is_ok();
        }
        let mut buf = Vec::new();
        // A reset after the answer was sent still leaves the answer in `buf`.
        let _ = stream.read_to_end(&mut buf);
        parse(&buf)
    }
}

fn parse(buf: &[u8]) -> std::io::Result<Answer> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no complete answer head (connection closed early)"))?;
    let head = String::from_utf8_lossy(&buf[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body).ok_or_else(|| bad("bad chunked body"))?;
    }
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// A server for tests: the embedded dataset and the store at a database URL, served on a free
/// loopback port by its own two-thread runtime; stops gracefully (in-flight requests finish)
/// when dropped.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its store (the tests count rows and create keys through it).
    pub store: critmin_store::Store,
    /// The runtime that serves it; `runtime.block_on` runs store calls from a test.
    pub runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Starts a server with `config`; `with` may extend the state (a ledger, trade files)
    /// before it serves. Panics when the store or the socket cannot be opened.
    pub fn start(
        url: &str,
        config: crate::ServerConfig,
        with: impl AsyncFnOnce(crate::AppState) -> crate::AppState,
    ) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a test runtime");
        let (addr, store, stop, done) = runtime.block_on(async {
            let store = critmin_store::Store::connect(url).await.expect("store");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
            let addr = listener.local_addr().expect("the bound address");
            let dataset = critmin_data::load_embedded().expect("the embedded dataset");
            let state = with(crate::AppState::new(dataset, store.clone(), config)).await;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let done = tokio::spawn(crate::serve(listener, state, async {
                let _ = stopped.await;
            }));
            (addr, store, stop, done)
        });
        TestServer {
            addr,
            store,
            runtime,
            stop: Some(stop),
            done: Some(done),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = self.runtime.block_on(done);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_answers() {
        let a = parse(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi").unwrap();
        assert_eq!((a.status, a.body.as_str()), (201, "hi"));
        let a =
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!(a.body, "abcde");
        assert_eq!(a.header("transfer-encoding"), Some("chunked"));
        assert!(parse(b"HTTP/1.1 200").is_err());
    }
}
