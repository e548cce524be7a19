//! Shared harness for the black-box integration tests of `clerk-wasm-server`.
//!
//! Every test starts its own server process (the real binary) on `127.0.0.1:0` with a fresh temporary data dir,
//! database, static dir and pkg dir, and talks to it over real HTTP. The database is a fresh SQLite file, or, when
//! `CLERK_TEST_POSTGRES_URL` names a PostgreSQL server (scripts/with-postgres.sh starts one), a fresh database
//! created on it for the test: the same tests run against both stores. The specs the tests are written from are
//! `shared/frontend-api.md` (wire contract) and `docs/server.md` (this server's choices).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_clerk-wasm-server");
pub const SECRET: &str = "sk_test_integration_0123456789abcdef0123456789abcdef";
pub const PASSWORD: &str = "Correct-Horse-Battery-9";
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
pub const INDEX_HTML: &str =
    "<!doctype html>\n<html><head><title>clerk-wasm test</title></head><body>integration-index-marker-7f3a</body></html>\n";
pub const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0integration-wasm-marker";
pub const ALLOWED_DEV_ORIGIN: &str = "http://127.0.0.1:5555";
pub const EVIL_ORIGIN: &str = "https://evil.example";
const STARTUP_PREFIX: &str = "clerk-wasm-server listening on ";

/// Env vars the server reads; removed from the child's environment so the host cannot leak settings in.
const SERVER_ENV: &[&str] = &[
    "CLERK_ADDR",
    "CLERK_DATABASE_URL",
    "CLERK_DATA_DIR",
    "CLERK_ALLOWED_ORIGINS",
    "CLERK_STATIC_DIR",
    "CLERK_PKG_DIR",
    "CLERK_SESSION_MODE",
    "CLERK_EMAIL_VERIFICATION",
    "CLERK_DEV",
    "CLERK_SEED_DEMO",
    "CLERK_SECRET_KEY",
    "CLERK_SESSION_LIFETIME_SECS",
    "CLERK_SESSION_INACTIVITY_SECS",
    "CLERK_CODE_TTL_SECS",
    "CLERK_RATE_LIMIT_CLIENT",
    "CLERK_RATE_LIMIT_IP",
    "CLERK_REQUEST_TIMEOUT_SECS",
    "CLERK_PUBLIC_URL",
    "CLERK_RATE_LIMIT_CLIENTS_IP",
    "CLERK_HEADER_READ_TIMEOUT_SECS",
    "CLERK_MAX_CONNECTIONS",
    "CLERK_EMPTY_CLIENT_TTL_SECS",
    "CLERK_OAUTH_PROVIDERS",
];

// ---------------------------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------------------------

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn now_secs() -> i64 {
    now_ms() / 1000
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A unique, lower-case email address for this test process.
pub fn email(tag: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!(
        "{}-{}-{}@example.com",
        tag.to_lowercase(),
        std::process::id(),
        n
    )
}

/// Sleep until the given Unix-millisecond instant has passed (plus a margin), and no longer.
pub async fn sleep_until_ms(at_ms: i64, margin_ms: i64) {
    let wait = at_ms + margin_ms - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Database: SQLite by default, PostgreSQL when CLERK_TEST_POSTGRES_URL is set
// ---------------------------------------------------------------------------------------------------------------

/// The PostgreSQL server to test against: an URL of a database on it whose user may create databases.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("CLERK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The database a test's server uses: `sqlite://<root>/test.db`, or a fresh PostgreSQL database.
pub fn default_database(root: &Path) -> String {
    match postgres_admin_url() {
        Some(admin) => fresh_postgres_database(&admin),
        None => format!("sqlite://{}", root.join("test.db").display()),
    }
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// Create an empty database on the PostgreSQL server of `admin` and return its URL.
pub fn fresh_postgres_database(admin: &str) -> String {
    let name = format!(
        "clerk_test_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst)
    );
    let statement = format!("CREATE DATABASE {name}");
    pg_block_on(|| async {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .unwrap_or_else(|e| panic!("connect to {admin}: {e}"));
        sqlx::query(&statement)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    });
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{name}{query}")
}

/// Run the future `f` makes to completion on a thread and runtime of its own (tests call this from inside their
/// own runtime).
pub fn pg_block_on<Fut, F>(f: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send,
    Fut: std::future::Future,
    Fut::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime")
                    .block_on(f())
            })
            .join()
            .expect("database thread")
    })
}

/// The first column of every row of `sql` (which must select one text column) on the database at `url`.
pub fn pg_strings(url: &str, sql: &str) -> Vec<String> {
    pg_block_on(|| async {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        let rows: Vec<(String,)> = sqlx::query_as(sql)
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter().map(|(s,)| s).collect()
    })
}

/// Run `sql` (one or more statements, no parameters) on the database at `url`.
pub fn pg_execute(url: &str, sql: &str) {
    pg_block_on(|| async {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// An instance secret stored in the PostgreSQL database at `url`.
fn pg_secret(url: &str, name: &str) -> Option<String> {
    pg_strings(
        url,
        &format!("SELECT value FROM instance_secrets WHERE name = '{name}'"),
    )
    .into_iter()
    .next()
}

// ---------------------------------------------------------------------------------------------------------------
// Server process
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Opts {
    pub dev: bool,
    pub secret: Option<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Override of `--database-url` (default `sqlite://<tmp>/test.db`); `{root}` is replaced by the temp dir.
    pub database_url: Option<String>,
    /// Start the server under this limit of open file descriptors (`ulimit -n` in a shell that then execs it).
    pub fd_limit: Option<u32>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            dev: true,
            secret: Some(SECRET.to_string()),
            args: Vec::new(),
            env: Vec::new(),
            database_url: None,
            fd_limit: None,
        }
    }
}

impl Opts {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_string());
        self
    }
    pub fn args(mut self, a: &[&str]) -> Self {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }
    pub fn no_dev(mut self) -> Self {
        self.dev = false;
        self
    }
    pub fn no_secret(mut self) -> Self {
        self.secret = None;
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_string(), v.to_string()));
        self
    }
    pub fn fd_limit(mut self, n: u32) -> Self {
        self.fd_limit = Some(n);
        self
    }
    pub fn database_url(mut self, u: &str) -> Self {
        self.database_url = Some(u.to_string());
        self
    }
}

pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:<port>`, exactly as announced on stdout.
    pub base: String,
    pub secret: String,
    pub dir: Arc<tempfile::TempDir>,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub opts: Opts,
    pub http: reqwest::Client,
    stderr_path: PathBuf,
    starts: usize,
    /// The database used when the options name none: the test's SQLite file or PostgreSQL database.
    default_db: String,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(Opts::default())
    }

    pub fn start_args(args: &[&str]) -> Server {
        Self::start_with(Opts::default().args(args))
    }

    pub fn start_with(opts: Opts) -> Server {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        Self::prepare_dir(dir.path());
        let default_db = default_database(dir.path());
        match Self::launch(dir, opts, 0, default_db) {
            Ok(s) => s,
            Err(e) => panic!("server failed to start: {e}"),
        }
    }

    /// Start and expect the process to fail (exit) before announcing itself; returns (exit status, stdout, stderr).
    pub fn start_expect_failure(opts: Opts) -> (std::process::ExitStatus, String, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::prepare_dir(dir.path());
        let stderr_path = dir.path().join("stderr-fail.log");
        let mut cmd = Self::command(dir.path(), &opts, &default_database(dir.path()));
        cmd.stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .stdin(Stdio::null());
        let mut child = cmd.spawn().expect("spawn server");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut out = String::new();
                child.stdout.take().unwrap().read_to_string(&mut out).ok();
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                return (status, out, err);
            }
            if Instant::now() > deadline {
                child.kill().ok();
                child.wait().ok();
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!("server was expected to exit but kept running; stderr:\n{err}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn prepare_dir(root: &Path) {
        let www = root.join("www");
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("index.html"), INDEX_HTML).unwrap();
        std::fs::write(
            www.join("app.js"),
            "console.log('integration-js-marker');\n",
        )
        .unwrap();
        std::fs::write(pkg.join("x.wasm"), WASM_BYTES).unwrap();
    }

    fn command(root: &Path, opts: &Opts, default_db: &str) -> Command {
        let mut cmd = match opts.fd_limit {
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(BIN);
                sh
            }
            None => Command::new(BIN),
        };
        for k in SERVER_ENV {
            cmd.env_remove(k);
        }
        cmd.arg("--addr").arg("127.0.0.1:0");
        cmd.arg("--data-dir").arg(root.join("data"));
        let db = match &opts.database_url {
            Some(u) => u.replace("{root}", &root.display().to_string()),
            None => default_db.to_string(),
        };
        cmd.arg("--database-url").arg(db);
        cmd.arg("--static-dir").arg(root.join("www"));
        cmd.arg("--pkg-dir").arg(root.join("pkg"));
        if opts.dev {
            cmd.arg("--dev");
        }
        if let Some(s) = &opts.secret {
            cmd.arg("--secret-key").arg(s);
        }
        cmd.args(&opts.args);
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn launch(
        dir: Arc<tempfile::TempDir>,
        opts: Opts,
        starts: usize,
        default_db: String,
    ) -> Result<Server, String> {
        let root = dir.path().to_path_buf();
        let stderr_path = root.join(format!("stderr-{starts}.log"));
        let mut cmd = Self::command(&root, &opts, &default_db);
        cmd.stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .stdin(Stdio::null());
        let mut child = cmd.spawn().map_err(|e| format!("spawn {BIN}: {e}"))?;
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        {
            let lines = lines.clone();
            std::thread::spawn(move || {
                // Keep draining stdout for the whole life of the process so the pipe never fills.
                let reader = BufReader::new(stdout);
                for line in reader.lines() {
                    let Ok(line) = line else { break };
                    lines.lock().unwrap().push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(90);
        let base = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix(STARTUP_PREFIX) {
                        break url.trim_end().to_string();
                    }
                }
                Err(_) => {
                    let status = child.try_wait().ok().flatten();
                    child.kill().ok();
                    child.wait().ok();
                    let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                    return Err(format!(
                        "no startup line (exit status {status:?}); stdout so far: {:?}\nstderr:\n{err}",
                        lines.lock().unwrap()
                    ));
                }
            }
        };
        let secret = opts.secret.clone().unwrap_or_default();
        let mut server = Server {
            child: Some(child),
            base,
            secret,
            dir,
            stdout: lines,
            opts,
            http: http_client(),
            stderr_path,
            starts: starts + 1,
            default_db,
        };
        if server.secret.is_empty() {
            // The key was generated: with --dev it is printed, and it is always stored in <data-dir>/secret_key.
            if server.opts.dev {
                if let Some(line) = server.wait_stdout_line("secret key: ", Duration::from_secs(10))
                {
                    server.secret = line["secret key: ".len()..].trim().to_string();
                }
            }
            if server.secret.is_empty() {
                if let Some(s) = server.stored_secret_key() {
                    server.secret = s;
                }
            }
        }
        Ok(server)
    }

    /// Kill the process and start it again on the same data dir / database (new port), optionally with new options.
    pub fn restart(&mut self, opts: Option<Opts>) {
        self.kill();
        let opts = opts.unwrap_or_else(|| self.opts.clone());
        let mut new = Self::launch(self.dir.clone(), opts, self.starts, self.default_db.clone())
            .unwrap_or_else(|e| panic!("restart failed: {e}"));
        // `new` now holds the old (already killed) process record; dropping it does nothing more.
        std::mem::swap(self, &mut new);
    }

    /// Graceful shutdown: SIGTERM, then wait (up to 30 s) for the process to finish its requests and exit; returns
    /// whether it exited on its own (it is killed otherwise).
    pub fn terminate(&mut self) -> bool {
        let Some(mut c) = self.child.take() else {
            return true;
        };
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .is_ok_and(|st| st.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        while sent && Instant::now() < deadline {
            if let Ok(Some(_)) = c.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        c.kill().ok();
        c.wait().ok();
        false
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().ok();
            c.wait().ok();
        }
    }

    /// Wait until a stdout line starting with `prefix` has been printed.
    pub fn wait_stdout_line(&self, prefix: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(l) = self
                .stdout
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.starts_with(prefix))
            {
                return Some(l.clone());
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The database URL the server was started with.
    pub fn database_url(&self) -> String {
        match &self.opts.database_url {
            Some(u) => u.replace("{root}", &self.root().display().to_string()),
            None => self.default_db.clone(),
        }
    }

    /// Whether the server runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database_url().starts_with("postgres")
    }

    /// The generated backend secret key as stored: `<data-dir>/secret_key` with SQLite, the `instance_secrets`
    /// table with PostgreSQL.
    pub fn stored_secret_key(&self) -> Option<String> {
        if self.on_postgres() {
            pg_secret(&self.database_url(), "secret_key")
        } else {
            std::fs::read_to_string(self.data_dir().join("secret_key"))
                .ok()
                .map(|s| s.trim().to_string())
        }
    }

    /// The JWT signing key (PKCS#8 PEM) as stored: `<data-dir>/jwt_rsa.pem` with SQLite, the `instance_secrets`
    /// table with PostgreSQL.
    pub fn stored_signing_key_pem(&self) -> Option<String> {
        if self.on_postgres() {
            pg_secret(&self.database_url(), "jwt_rsa_pem")
        } else {
            std::fs::read_to_string(self.data_dir().join("jwt_rsa.pem")).ok()
        }
    }

    /// Everything the database holds, as bytes to search: the SQLite files, or every PostgreSQL row as text.
    pub fn db_bytes(&self) -> Vec<u8> {
        if self.on_postgres() {
            let tables = [
                "instance_settings",
                "users",
                "clients",
                "sessions",
                "sign_ins",
                "sign_ups",
                "instance_secrets",
                "rate_counters",
            ];
            let mut all = Vec::new();
            for table in tables {
                for row in pg_strings(
                    &self.database_url(),
                    &format!("SELECT t::text FROM {table} t"),
                ) {
                    all.extend(row.into_bytes());
                    all.push(b'\n');
                }
            }
            return all;
        }
        let mut all = Vec::new();
        for name in ["test.db", "test.db-wal", "test.db-journal", "test.db-shm"] {
            if let Ok(b) = std::fs::read(self.root().join(name)) {
                all.extend(b);
            }
        }
        all
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server running").id()
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn host_port(&self) -> &str {
        self.base.strip_prefix("http://").unwrap_or(&self.base)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn client(&self) -> Client {
        Client::new(self)
    }

    // ---- raw HTTP (no _is_native, no client token) ----

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(Option<&str>, Vec<u8>)>,
    ) -> Resp {
        let mut rb = self.http.request(method.clone(), self.url(path));
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        if let Some((ct, bytes)) = body {
            if let Some(ct) = ct {
                rb = rb.header("content-type", ct);
            }
            rb = rb.body(bytes);
        }
        let r = rb
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: transport error {e}"));
        Resp::read(format!("{method} {path}"), r).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.raw(Method::GET, path, &[], None).await
    }

    /// Send raw bytes over a fresh TCP connection (no URL normalisation) and return (status, raw response).
    pub async fn raw_tcp(&self, request: &[u8]) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.host_port())
            .await
            .expect("connect");
        stream.write_all(request).await.expect("write");
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut buf)).await;
        let head = String::from_utf8_lossy(&buf[..buf.len().min(64)]).to_string();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, buf)
    }

    /// GET `path` verbatim over raw TCP.
    pub async fn raw_get_path(&self, path: &str) -> (u16, Vec<u8>) {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host_port()
        );
        self.raw_tcp(req.as_bytes()).await
    }

    // ---- backend API ----

    pub async fn backend_with_key(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        form: Option<&[(&str, &str)]>,
    ) -> Resp {
        let auth_header;
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = auth {
            auth_header = a.to_string();
            headers.push(("authorization", auth_header.as_str()));
        }
        let body = form.map(|f| {
            (
                Some("application/x-www-form-urlencoded"),
                serde_urlencoded::to_string(f).unwrap().into_bytes(),
            )
        });
        self.raw(method, path, &headers, body).await
    }

    pub async fn backend(&self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Resp {
        let auth = format!("Bearer {}", self.secret);
        self.backend_with_key(method, path, Some(&auth), form).await
    }

    pub async fn users(&self) -> Vec<Value> {
        let r = self.backend(Method::GET, "/v1/users", None).await;
        r.ok()
            .as_array()
            .unwrap_or_else(|| panic!("GET /v1/users: not an array: {}", r.text))
            .clone()
    }

    pub async fn user_sessions(&self, user_id: &str) -> Vec<Value> {
        let r = self
            .backend(
                Method::GET,
                &format!("/v1/sessions?user_id={user_id}"),
                None,
            )
            .await;
        r.ok()
            .as_array()
            .unwrap_or_else(|| panic!("GET /v1/sessions: not an array: {}", r.text))
            .clone()
    }

    /// The backend's view of one session (found through its user).
    pub async fn backend_session(&self, user_id: &str, session_id: &str) -> Value {
        self.user_sessions(user_id)
            .await
            .into_iter()
            .find(|s| s["id"] == session_id)
            .unwrap_or_else(|| {
                panic!("session {session_id} not in GET /v1/sessions?user_id={user_id}")
            })
    }

    pub async fn revoke(&self, session_id: &str) -> Resp {
        self.backend(
            Method::POST,
            &format!("/v1/sessions/{session_id}/revoke"),
            None,
        )
        .await
    }

    pub async fn patch_instance(&self, form: &[(&str, &str)]) -> Resp {
        self.backend(Method::PATCH, "/v1/instance", Some(form))
            .await
    }

    // ---- dev / public ----

    pub async fn outbox(&self, email: &str) -> Vec<Value> {
        let q = serde_urlencoded::to_string([("email", email)]).unwrap();
        let r = self.get(&format!("/dev/outbox?{q}")).await;
        let v = r.ok();
        v["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("outbox: no messages array: {}", r.text))
            .clone()
    }

    /// The code of the newest outbox message to `email`.
    pub async fn outbox_code(&self, email: &str) -> String {
        let msgs = self.outbox(email).await;
        let last = msgs
            .last()
            .unwrap_or_else(|| panic!("no outbox message for {email}"));
        assert_eq!(
            last["to"], email,
            "outbox message addressed to someone else: {last}"
        );
        last["code"]
            .as_str()
            .unwrap_or_else(|| panic!("outbox code not a string: {last}"))
            .to_string()
    }

    pub async fn jwks(&self) -> Value {
        self.get("/.well-known/jwks.json").await.ok().clone()
    }

    pub async fn environment(&self) -> Value {
        self.client().get("/v1/environment").await.ok().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let err = self.stderr();
            let tail: String = {
                let start = err.len().saturating_sub(6000);
                let mut s = start;
                while !err.is_char_boundary(s) {
                    s += 1;
                }
                err[s..].to_string()
            };
            eprintln!(
                "---- server {} stderr (tail) ----\n{tail}\n---- end server stderr ----",
                self.base
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Resp {
    pub desc: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub text: String,
    /// Parsed body, `Value::Null` when it is not JSON.
    pub json: Value,
}

impl Resp {
    pub async fn read(desc: String, r: reqwest::Response) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let text = String::from_utf8_lossy(&body).to_string();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Resp {
            desc,
            status,
            headers,
            body,
            text,
            json,
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string())
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }

    /// Assert 200 with a JSON body and return it.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(
            self.status, 200,
            "{}: expected 200, got {}: {}",
            self.desc, self.status, self.text
        );
        assert!(
            self.content_type().starts_with("application/json"),
            "{}: content-type {:?}",
            self.desc,
            self.content_type()
        );
        assert!(
            !self.json.is_null() || self.text.trim() == "null",
            "{}: body is not JSON: {}",
            self.desc,
            self.text
        );
        &self.json
    }

    /// `response` of a mutation envelope `{"response": …, "client": …}` (asserts 200).
    #[track_caller]
    pub fn response(&self) -> &Value {
        let v = self.ok();
        assert!(
            v.get("response").is_some(),
            "{}: no `response` key: {}",
            self.desc,
            self.text
        );
        assert!(
            v.get("client").is_some(),
            "{}: no `client` key: {}",
            self.desc,
            self.text
        );
        &v["response"]
    }

    /// Assert a Clerk-shaped error with this status and (first) code; returns the first error object.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            self.status, status,
            "{}: expected {status} {code}, got {}: {}",
            self.desc, self.status, self.text
        );
        check_error_shape(self);
        let e = &self.json["errors"][0];
        assert_eq!(
            e["code"], code,
            "{}: wrong error code: {}",
            self.desc, self.text
        );
        e
    }

    /// Like `expect_error` and also checks `meta.param_name`.
    #[track_caller]
    pub fn expect_param_error(&self, status: u16, code: &str, param: &str) -> &Value {
        let e = self.expect_error(status, code);
        assert_eq!(
            e["meta"]["param_name"], param,
            "{}: wrong meta.param_name: {}",
            self.desc, self.text
        );
        e
    }
}

/// Every error: JSON with content-type application/json, `{"errors": [{code, message, long_message, meta}], "clerk_trace_id"}`.
#[track_caller]
pub fn check_error_shape(r: &Resp) {
    assert!(
        r.status >= 400,
        "{}: not an error status: {}",
        r.desc,
        r.status
    );
    assert_ne!(r.status, 500, "{}: internal error: {}", r.desc, r.text);
    assert!(
        r.content_type().starts_with("application/json"),
        "{}: error content-type is {:?} (body {:?})",
        r.desc,
        r.content_type(),
        r.text
    );
    let v = &r.json;
    assert!(
        v.is_object(),
        "{}: error body is not a JSON object: {:?}",
        r.desc,
        r.text
    );
    let errs = v["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no errors array: {}", r.desc, r.text));
    assert!(!errs.is_empty(), "{}: empty errors array", r.desc);
    for e in errs {
        assert!(e["code"].is_string(), "{}: error without code: {e}", r.desc);
        assert!(
            e["message"].is_string(),
            "{}: error without message: {e}",
            r.desc
        );
        assert!(
            e["long_message"].is_string(),
            "{}: error without long_message: {e}",
            r.desc
        );
        assert!(
            e["meta"].is_object(),
            "{}: error without meta object: {e}",
            r.desc
        );
    }
    assert!(
        v.get("clerk_trace_id").is_some(),
        "{}: no clerk_trace_id: {}",
        r.desc,
        r.text
    );
    assert!(
        v["clerk_trace_id"].is_string() || v["clerk_trace_id"].is_null(),
        "{}: clerk_trace_id has a strange type: {}",
        r.desc,
        r.text
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Simulated browser client (native/header mode)
// ---------------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Logged {
    pub desc: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub struct Client {
    http: reqwest::Client,
    pub base: String,
    token: Mutex<Option<String>>,
    origin: Mutex<Option<String>>,
    /// Everything the server answered to this client.
    pub log: Mutex<Vec<Logged>>,
}

pub enum Body<'a> {
    None,
    Form(&'a [(&'a str, &'a str)]),
    Raw(Option<&'a str>, Vec<u8>),
}

impl Client {
    pub fn new(server: &Server) -> Client {
        Client {
            http: server.http.clone(),
            base: server.base.clone(),
            token: Mutex::new(None),
            origin: Mutex::new(None),
            log: Mutex::new(Vec::new()),
        }
    }

    /// A client whose connections come from another loopback address (e.g. `127.0.0.2`), which the server sees as
    /// another source address.
    pub fn from_source(server: &Server, ip: &str) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .local_address(ip.parse::<std::net::IpAddr>().expect("source ip"))
            .build()
            .expect("reqwest client");
        Client {
            http,
            ..Client::new(server)
        }
    }

    pub fn token(&self) -> Option<String> {
        self.token.lock().unwrap().clone()
    }

    pub fn set_token(&self, t: Option<String>) {
        *self.token.lock().unwrap() = t;
    }

    pub fn set_origin(&self, o: Option<&str>) {
        *self.origin.lock().unwrap() = o.map(|s| s.to_string());
    }

    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{}{}_is_native=1", self.base, path, sep)
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut rb = self.http.request(method.clone(), self.url(path));
        if let Some(t) = self.token() {
            rb = rb.header("authorization", t);
        }
        if let Some(o) = self.origin.lock().unwrap().clone() {
            rb = rb.header("origin", o);
        }
        match body {
            Body::None => {}
            Body::Form(f) => {
                rb = rb
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(serde_urlencoded::to_string(f).expect("form encode"));
            }
            Body::Raw(ct, bytes) => {
                if let Some(ct) = ct {
                    rb = rb.header("content-type", ct);
                }
                rb = rb.body(bytes);
            }
        }
        for (k, v) in extra {
            rb = rb.header(*k, *v);
        }
        let r = rb
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: transport error {e}"));
        let resp = Resp::read(format!("{method} {path}"), r).await;
        if let Some(t) = resp.header("authorization") {
            if !t.is_empty() {
                self.set_token(Some(t));
            }
        }
        self.log.lock().unwrap().push(Logged {
            desc: resp.desc.clone(),
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).to_string(),
                    )
                })
                .collect(),
            body: resp.text.clone(),
        });
        resp
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, Body::None, &[]).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(Method::POST, path, Body::Form(form), &[]).await
    }

    pub async fn put(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(Method::PUT, path, Body::Form(form), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, path, Body::None, &[]).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        self.send(method, path, Body::Raw(content_type, body), &[])
            .await
    }

    // ---- flows ----

    /// POST /v1/client; returns the client object.
    pub async fn create_client(&self) -> Value {
        let r = self.post("/v1/client", &[]).await;
        let v = r.response().clone();
        assert!(
            r.header("authorization").is_some(),
            "POST /v1/client returned no Authorization header"
        );
        v
    }

    /// GET /v1/client → `response` (the client, or null).
    pub async fn client(&self) -> Value {
        let r = self.get("/v1/client").await;
        r.ok();
        assert!(
            r.json.get("response").is_some(),
            "GET /v1/client without response key: {}",
            r.text
        );
        r.json["response"].clone()
    }

    pub async fn sign_up_full(
        &self,
        email: &str,
        password: &str,
        first: &str,
        last: &str,
    ) -> Value {
        let r = self
            .post(
                "/v1/client/sign_ups",
                &[
                    ("email_address", email),
                    ("password", password),
                    ("first_name", first),
                    ("last_name", last),
                ],
            )
            .await;
        r.response();
        r.json.clone()
    }

    /// Complete sign-up (verification off); returns the whole `{response, client}` body.
    pub async fn sign_up(&self, email: &str, password: &str) -> Value {
        let v = self.sign_up_full(email, password, "Test", "User").await;
        assert_eq!(
            v["response"]["status"], "complete",
            "sign-up not complete: {v}"
        );
        v
    }

    /// Sign up and return (user id, session id).
    pub async fn sign_up_ids(&self, email: &str) -> (String, String) {
        let v = self.sign_up(email, PASSWORD).await;
        (
            v["response"]["created_user_id"]
                .as_str()
                .unwrap()
                .to_string(),
            v["response"]["created_session_id"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    }

    /// One-request password sign-in; returns the whole `{response, client}` body (asserts complete).
    pub async fn sign_in_password(&self, email: &str, password: &str) -> Value {
        let r = self
            .post(
                "/v1/client/sign_ins",
                &[("identifier", email), ("password", password)],
            )
            .await;
        r.response();
        assert_eq!(
            r.json["response"]["status"], "complete",
            "sign-in not complete: {}",
            r.text
        );
        r.json.clone()
    }

    /// Password sign-in; returns the new session id.
    pub async fn sign_in(&self, email: &str) -> String {
        let v = self.sign_in_password(email, PASSWORD).await;
        v["response"]["created_session_id"]
            .as_str()
            .expect("created_session_id")
            .to_string()
    }

    pub async fn touch(&self, sid: &str) -> Resp {
        self.post(&format!("/v1/client/sessions/{sid}/touch"), &[])
            .await
    }
    pub async fn remove(&self, sid: &str) -> Resp {
        self.post(&format!("/v1/client/sessions/{sid}/remove"), &[])
            .await
    }
    pub async fn end(&self, sid: &str) -> Resp {
        self.post(&format!("/v1/client/sessions/{sid}/end"), &[])
            .await
    }
    pub async fn tokens(&self, sid: &str) -> Resp {
        self.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
            .await
    }

    /// A session JWT for `sid` (asserts success).
    pub async fn jwt(&self, sid: &str) -> String {
        let r = self.tokens(sid).await;
        let v = r.ok();
        assert_eq!(v["object"], "token", "tokens: {}", r.text);
        v["jwt"].as_str().expect("jwt string").to_string()
    }

    /// Ids of the active sessions on the client, and last_active_session_id.
    pub async fn session_ids(&self) -> (Vec<String>, Option<String>) {
        let c = self.client().await;
        let ids = c["sessions"]
            .as_array()
            .unwrap_or_else(|| panic!("client without sessions: {c}"))
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        (
            ids,
            c["last_active_session_id"].as_str().map(|s| s.to_string()),
        )
    }

    pub fn logged(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Shape checks (field by field against the contract)
// ---------------------------------------------------------------------------------------------------------------

#[track_caller]
pub fn check_ms(v: &Value, what: &str) -> i64 {
    let n = v
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: not an integer: {v}"));
    assert!(n > 1_600_000_000_000, "{what}: not Unix milliseconds: {n}");
    assert!(
        n < now_ms() + 20 * 365 * 86_400_000,
        "{what}: absurd timestamp {n}"
    );
    n
}

#[track_caller]
pub fn check_id(v: &Value, prefix: &str, what: &str) -> String {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what}: id not a string: {v}"));
    assert!(
        s.starts_with(prefix) && s.len() > prefix.len(),
        "{what}: id {s:?} lacks prefix {prefix:?}"
    );
    s.to_string()
}

#[track_caller]
pub fn check_string_or_null(v: &Value, key: &str, what: &str) {
    assert!(v.get(key).is_some(), "{what}: missing key {key}: {v}");
    assert!(
        v[key].is_string() || v[key].is_null(),
        "{what}.{key}: not string|null: {v}"
    );
}

#[track_caller]
pub fn check_client(c: &Value) {
    assert_eq!(c["object"], "client", "client.object: {c}");
    check_id(&c["id"], "client_", "client.id");
    let sessions = c["sessions"]
        .as_array()
        .unwrap_or_else(|| panic!("client.sessions not an array: {c}"));
    for s in sessions {
        check_session(s);
        assert_eq!(
            s["status"], "active",
            "client.sessions must only hold active sessions: {s}"
        );
    }
    assert!(c.get("sign_in").is_some(), "client.sign_in missing: {c}");
    assert!(
        c["sign_in"].is_null() || c["sign_in"].is_object(),
        "client.sign_in: {c}"
    );
    if c["sign_in"].is_object() {
        check_sign_in(&c["sign_in"]);
    }
    assert!(c.get("sign_up").is_some(), "client.sign_up missing: {c}");
    assert!(
        c["sign_up"].is_null() || c["sign_up"].is_object(),
        "client.sign_up: {c}"
    );
    if c["sign_up"].is_object() {
        check_sign_up(&c["sign_up"]);
    }
    check_string_or_null(c, "last_active_session_id", "client");
    if let Some(last) = c["last_active_session_id"].as_str() {
        assert!(
            sessions.iter().any(|s| s["id"] == last),
            "client.last_active_session_id {last} is not one of the client's active sessions: {c}"
        );
    } else {
        assert!(
            sessions.is_empty(),
            "client has active sessions but no last_active_session_id: {c}"
        );
    }
    let created = check_ms(&c["created_at"], "client.created_at");
    let updated = check_ms(&c["updated_at"], "client.updated_at");
    assert!(updated >= created, "client.updated_at < created_at: {c}");
}

#[track_caller]
pub fn check_session(s: &Value) {
    assert_eq!(s["object"], "session", "session.object: {s}");
    check_id(&s["id"], "sess_", "session.id");
    let status = s["status"]
        .as_str()
        .unwrap_or_else(|| panic!("session.status: {s}"));
    assert!(
        [
            "active",
            "ended",
            "expired",
            "removed",
            "abandoned",
            "revoked"
        ]
        .contains(&status),
        "session.status {status:?} not in the contract's list"
    );
    let last = check_ms(&s["last_active_at"], "session.last_active_at");
    let expire = check_ms(&s["expire_at"], "session.expire_at");
    let abandon = check_ms(&s["abandon_at"], "session.abandon_at");
    let created = check_ms(&s["created_at"], "session.created_at");
    let updated = check_ms(&s["updated_at"], "session.updated_at");
    assert!(expire > created, "session.expire_at <= created_at: {s}");
    assert!(abandon > last, "session.abandon_at <= last_active_at: {s}");
    assert!(last >= created, "session.last_active_at < created_at: {s}");
    assert!(updated >= created, "session.updated_at < created_at: {s}");
    check_user(&s["user"]);
    check_public_user_data(&s["public_user_data"], &s["user"]);
}

#[track_caller]
pub fn check_public_user_data(p: &Value, user: &Value) {
    assert!(p.is_object(), "public_user_data not an object: {p}");
    for k in ["first_name", "last_name", "image_url"] {
        check_string_or_null(p, k, "public_user_data");
    }
    assert!(
        p["has_image"].is_boolean(),
        "public_user_data.has_image: {p}"
    );
    assert_eq!(
        p["first_name"], user["first_name"],
        "public_user_data.first_name != user.first_name"
    );
    assert_eq!(
        p["last_name"], user["last_name"],
        "public_user_data.last_name != user.last_name"
    );
    assert_eq!(
        p["user_id"], user["id"],
        "public_user_data.user_id != user.id"
    );
    let primary = user["email_addresses"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|e| e["id"] == user["primary_email_address_id"])
        })
        .unwrap_or_else(|| panic!("user has no primary email address: {user}"));
    assert_eq!(
        p["identifier"], primary["email_address"],
        "public_user_data.identifier != primary email"
    );
}

#[track_caller]
pub fn check_user(u: &Value) {
    assert_eq!(u["object"], "user", "user.object: {u}");
    check_id(&u["id"], "user_", "user.id");
    for k in ["first_name", "last_name", "username", "image_url"] {
        check_string_or_null(u, k, "user");
    }
    assert!(u["has_image"].is_boolean(), "user.has_image: {u}");
    let primary = check_id(
        &u["primary_email_address_id"],
        "idn_",
        "user.primary_email_address_id",
    );
    let emails = u["email_addresses"]
        .as_array()
        .unwrap_or_else(|| panic!("user.email_addresses: {u}"));
    assert!(!emails.is_empty(), "user without email addresses: {u}");
    for e in emails {
        check_email_address(e);
    }
    assert!(
        emails.iter().any(|e| e["id"] == primary.as_str()),
        "primary_email_address_id not among email_addresses"
    );
    // Users from a social sign-in have no password.
    assert!(
        u["password_enabled"].is_boolean(),
        "user.password_enabled: {u}"
    );
    let created = check_ms(&u["created_at"], "user.created_at");
    let updated = check_ms(&u["updated_at"], "user.updated_at");
    assert!(updated >= created, "user.updated_at < created_at");
    for forbidden in ["password", "password_hash", "password_digest"] {
        assert!(u.get(forbidden).is_none(), "user exposes {forbidden}: {u}");
    }
}

#[track_caller]
pub fn check_email_address(e: &Value) {
    assert_eq!(e["object"], "email_address", "email_address.object: {e}");
    check_id(&e["id"], "idn_", "email_address.id");
    let addr = e["email_address"]
        .as_str()
        .unwrap_or_else(|| panic!("email_address.email_address: {e}"));
    assert!(addr.contains('@'), "email_address without @: {e}");
    let v = &e["verification"];
    assert!(v.is_object(), "email_address.verification: {e}");
    assert!(
        v["status"].is_string(),
        "email_address.verification.status: {e}"
    );
    assert!(
        v["strategy"].is_string(),
        "email_address.verification.strategy: {e}"
    );
}

#[track_caller]
pub fn check_sign_in(s: &Value) {
    assert_eq!(s["object"], "sign_in_attempt", "sign_in.object: {s}");
    check_id(&s["id"], "sia_", "sign_in.id");
    let status = s["status"]
        .as_str()
        .unwrap_or_else(|| panic!("sign_in.status: {s}"));
    assert!(
        [
            "needs_identifier",
            "needs_first_factor",
            "needs_second_factor",
            "complete"
        ]
        .contains(&status),
        "sign_in.status {status:?}"
    );
    check_string_or_null(s, "identifier", "sign_in");
    assert!(
        s["supported_first_factors"].is_array(),
        "sign_in.supported_first_factors: {s}"
    );
    for f in s["supported_first_factors"].as_array().unwrap() {
        assert!(
            f["strategy"].is_string(),
            "supported_first_factors[].strategy: {f}"
        );
    }
    assert!(
        s.get("first_factor_verification").is_some(),
        "sign_in.first_factor_verification missing: {s}"
    );
    let ffv = &s["first_factor_verification"];
    if !ffv.is_null() {
        let st = ffv["status"]
            .as_str()
            .unwrap_or_else(|| panic!("first_factor_verification.status: {s}"));
        assert!(
            ["unverified", "verified", "failed", "expired"].contains(&st),
            "ffv.status {st:?}"
        );
        assert!(
            ffv["strategy"].is_string(),
            "first_factor_verification.strategy: {s}"
        );
        assert!(
            ffv.get("attempts").is_some(),
            "first_factor_verification.attempts missing: {s}"
        );
        assert!(
            ffv.get("expire_at").is_some(),
            "first_factor_verification.expire_at missing: {s}"
        );
    }
    check_string_or_null(s, "created_session_id", "sign_in");
    if status == "complete" {
        check_id(
            &s["created_session_id"],
            "sess_",
            "sign_in.created_session_id",
        );
    } else {
        assert!(
            s["created_session_id"].is_null(),
            "incomplete sign-in with created_session_id: {s}"
        );
    }
}

#[track_caller]
pub fn check_sign_up(s: &Value) {
    assert_eq!(s["object"], "sign_up_attempt", "sign_up.object: {s}");
    check_id(&s["id"], "sua_", "sign_up.id");
    let status = s["status"]
        .as_str()
        .unwrap_or_else(|| panic!("sign_up.status: {s}"));
    assert!(
        ["missing_requirements", "complete", "abandoned"].contains(&status),
        "sign_up.status {status:?}"
    );
    check_string_or_null(s, "email_address", "sign_up");
    assert!(
        s["unverified_fields"].is_array(),
        "sign_up.unverified_fields: {s}"
    );
    assert!(
        s.get("verifications").is_some(),
        "sign_up.verifications missing: {s}"
    );
    check_string_or_null(s, "created_session_id", "sign_up");
    check_string_or_null(s, "created_user_id", "sign_up");
    if status == "complete" {
        check_id(
            &s["created_session_id"],
            "sess_",
            "sign_up.created_session_id",
        );
        check_id(&s["created_user_id"], "user_", "sign_up.created_user_id");
    } else {
        assert!(
            s["created_session_id"].is_null(),
            "incomplete sign-up with a session: {s}"
        );
    }
}

/// Find a session in a client object by id.
pub fn find_session<'a>(client: &'a Value, sid: &str) -> Option<&'a Value> {
    client["sessions"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == sid))
}

// ---------------------------------------------------------------------------------------------------------------
// JWT helpers
// ---------------------------------------------------------------------------------------------------------------

pub fn b64url_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .unwrap_or_else(|e| panic!("bad base64url {s:?}: {e}"))
}

pub fn b64url_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// (header, payload) of a JWT, decoded without verification.
pub fn jwt_parts(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT must have three parts: {jwt}");
    let h = serde_json::from_slice(&b64url_decode(parts[0])).expect("JWT header JSON");
    let p = serde_json::from_slice(&b64url_decode(parts[1])).expect("JWT payload JSON");
    (h, p)
}

/// Verify a session JWT against the server's JWKS (RS256, kid lookup, issuer, exp/nbf), returning the claims.
pub fn verify_with_jwks(jwt: &str, jwks: &Value, issuer: &str) -> Result<Value, String> {
    use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
    let header = decode_header(jwt).map_err(|e| format!("header: {e}"))?;
    if header.alg != Algorithm::RS256 {
        return Err(format!("alg {:?}", header.alg));
    }
    let kid = header.kid.ok_or("no kid")?;
    let key = jwks["keys"]
        .as_array()
        .ok_or("jwks without keys")?
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or(format!("kid {kid} not in JWKS"))?;
    let dk = DecodingKey::from_rsa_components(
        key["n"].as_str().ok_or("n")?,
        key["e"].as_str().ok_or("e")?,
    )
    .map_err(|e| format!("jwk: {e}"))?;
    let mut v = Validation::new(Algorithm::RS256);
    v.leeway = 0;
    v.validate_aud = false;
    v.validate_nbf = true;
    v.set_issuer(&[issuer]);
    v.set_required_spec_claims(&["exp", "iss", "sub", "nbf"]);
    decode::<Value>(jwt, &dk, &v)
        .map(|d| d.claims)
        .map_err(|e| format!("verify: {e}"))
}

/// The server's signing key as stored (see [`Server::stored_signing_key_pem`]).
pub fn server_private_key(server: &Server) -> rsa::RsaPrivateKey {
    let pem = server
        .stored_signing_key_pem()
        .expect("the server's stored signing key");
    private_key_from_pem(&pem)
}

pub fn private_key_from_pem(pem: &str) -> rsa::RsaPrivateKey {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    rsa::RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
        .expect("parse RSA private key PEM")
}

/// Sign `claims` with RS256 under `key`, with the given `kid` in the header.
pub fn sign_rs256(key: &rsa::RsaPrivateKey, kid: Option<&str>, claims: &Value) -> String {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let der = key.to_pkcs1_der().expect("pkcs1 der");
    let ek = jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes());
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    h.kid = kid.map(|s| s.to_string());
    jsonwebtoken::encode(&h, claims, &ek).expect("sign jwt")
}

/// The first 16 hex chars of SHA-256 of the big-endian modulus bytes (the documented `kid`).
pub fn kid_of_modulus(n_bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(n_bytes);
    d.iter().map(|b| format!("{b:02x}")).collect::<String>()[..16].to_string()
}

/// Collect every response the given clients saw and assert none of the `secrets` appears in a body, and
/// (unless `allow_authorization_header`) in any header.
#[track_caller]
pub fn assert_not_leaked(logs: &[Logged], secret: &str, allow_in_authorization_header: bool) {
    for l in logs {
        assert!(
            !l.body.contains(secret),
            "{}: response body leaks {secret:?}: {}",
            l.desc,
            l.body
        );
        for (k, v) in &l.headers {
            if allow_in_authorization_header && k.eq_ignore_ascii_case("authorization") {
                continue;
            }
            assert!(
                !v.contains(secret),
                "{}: header {k} leaks {secret:?}",
                l.desc
            );
        }
    }
}
