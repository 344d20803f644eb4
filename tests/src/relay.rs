//! A TCP relay between a Gatehouse node and its PostgreSQL server that a test can cut and
//! restore. To the node the database goes away (open connections drop, new ones are closed
//! as soon as they are made, as when the server is stopped) and comes back, while the
//! machine's PostgreSQL keeps serving every other test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The relay; stops relaying when dropped.
#[derive(Debug)]
pub struct DatabaseRelay {
    url: String,
    is_cut: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    accepting: tokio::task::JoinHandle<()>,
}

impl DatabaseRelay {
    /// Relays to the server of `database_url` (`postgres://user@host:port/db?...`); the
    /// relay's own URL is [`DatabaseRelay::url`].
    pub async fn start(database_url: &str) -> Self {
        let mut url = url::Url::parse(database_url).expect("a database URL");
        let target = format!(
            "{}:{}",
            url.host_str().expect("a host in the database URL"),
            url.port().unwrap_or(5432)
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local address").port();
        url.set_host(Some("127.0.0.1")).expect("a host");
        url.set_port(Some(port)).expect("a port");
        let is_cut = Arc::new(AtomicBool::new(false));
        let (cuts, _) = watch::channel(0_u64);
        let accepting = tokio::spawn(accept(listener, target, is_cut.clone(), cuts.clone()));
        Self {
            url: url.to_string(),
            is_cut,
            cuts,
            accepting,
        }
    }

    /// The database URL through the relay.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database goes away: every relayed connection is dropped, new ones are closed.
    pub fn cut(&self) {
        self.is_cut.store(true, Ordering::SeqCst);
        self.cuts.send_modify(|count| *count += 1);
    }

    /// The database is back: new connections are relayed again.
    pub fn restore(&self) {
        self.is_cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for DatabaseRelay {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}

async fn accept(
    listener: TcpListener,
    target: String,
    is_cut: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
) {
    while let Ok((mut client, _)) = listener.accept().await {
        if is_cut.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let target = target.clone();
        let mut cut = cuts.subscribe();
        cut.mark_unchanged();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(&target).await else {
                return;
            };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = cut.changed() => {}
            }
        });
    }
}
