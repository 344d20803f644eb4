//! Building the application from configuration and running it.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::encryption::KeyEncryptionKey;
use crate::crypto::keyring::{self, KeyRing};
use crate::crypto::password::PasswordHasher;
use crate::crypto::secrets::InstanceSecrets;
use crate::state::{AppContext, AppState};
use crate::templates::Templates;
use crate::throttle::{NodeThrottle, RowAllowance, Throttle};
use anyhow::Context as _;
use gatehouse_core::verification::Purpose;
use gatehouse_store::{
    Store, audit, backoff, codes, flows, grants, idempotency, keys, leases, outbox, rate_limits,
    sessions, verifications,
};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Creates the data folder, readable by the service account only, when it is missing.
pub fn ensure_data_dir(config: &Config) -> anyhow::Result<()> {
    let folder = &config.server.data_dir;
    if folder.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(folder)
        .with_context(|| format!("cannot create {} (server.data_dir)", folder.display()))
}

/// Opens the database and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    ensure_data_dir(config)?;
    let url = config.database_url();
    let store = Store::connect(&url, &config.pool_options())
        .with_context(|| "cannot open the database (database.url)")?;
    let applied = store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    if applied > 0 {
        tracing::info!(applied, backend = store.backend_name(), "database migrated");
    }
    Ok(store)
}

/// Everything the server needs, built and checked.
pub async fn build_state(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    if config.metrics.enabled {
        crate::observability::recorder();
    }
    let store = open_store(&config).await?;
    let kek = KeyEncryptionKey::load_or_generate(&config)
        .context("cannot load the key-encryption key")?;
    let now = clock.now();
    let secrets = InstanceSecrets::load_or_create(&store, &kek, now)
        .await
        .context("cannot load instance secrets")?;
    let algorithms = config.signing_algorithms()?;
    let created = keyring::ensure_keys(&store, &kek, &algorithms, config.keys.rsa_bits, now)
        .await
        .context("cannot create signing keys")?;
    if created > 0 {
        tracing::info!(created, "signing keys created");
    }
    let keys = KeyRing::load(&store, &kek, now, config.keys.retired_retention_seconds)
        .await
        .context("cannot load signing keys")?;
    let passwords = PasswordHasher::new(&config.passwords)?;
    let templates = Templates::load(config.ui.templates_dir.as_deref())?;
    let discovery_document = crate::protocol::discovery::build_document(&config)?;
    let mailer = crate::messaging::Mailer::from_config(&config.smtp)?;
    if config.sms.provider != crate::config::SmsProvider::Http {
        tracing::warn!(
            "sms.provider is log: text messages are not sent; their text (codes included) is \
             written to the log at debug level only, for development"
        );
    }
    let webauthn = crate::service::mfa::passkeys::relying_party(&config)?;
    Ok(AppState::new(AppContext {
        issuer: config.issuer(),
        access_token_algorithm: config.access_token_algorithm()?,
        throttle: Throttle::new(&config.login, store.clone()),
        client_throttle: NodeThrottle::new(&config.login),
        pending_rows: RowAllowance::new(config.security.pending_rows_per_address_per_hour),
        client_cache: crate::service::client_cache::ClientCache::default(),
        client_jwks: crate::service::client_keys::JwksCache::default(),
        webauthn,
        config: Arc::new(config),
        store,
        clock,
        keys,
        kek: Arc::new(kek),
        passwords,
        secrets: Arc::new(secrets),
        templates,
        discovery_document: discovery_document.into(),
        outbox_wakeup: Arc::new(tokio::sync::Notify::new()),
        mailer,
        upstream_http: crate::service::upstream::http::UpstreamHttp::new()
            .map_err(|error| crate::error::ServerError::Configuration(error.to_string()))?,
    }))
}

/// A built server, bound to its port, not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Builds the state and binds `server.listen`.
    pub async fn build(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let address = config.listen_address()?;
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} (server.listen)"))?;
        Self::with_listener(config, clock, listener).await
    }

    /// Builds the state around an already bound listener (tests bind port 0 first, to know
    /// the issuer URL before start-up).
    pub async fn with_listener(
        config: Config,
        clock: Arc<dyn Clock>,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let state = build_state(config, clock).await?;
        Ok(Self { listener, state })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (tests use it to inspect configuration).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, with background maintenance running alongside,
    /// then stops in order: no new connections, in-flight requests finish (for up to
    /// `server.shutdown_grace_seconds`), the background workers finish their round, and
    /// the database pool closes. When this returns, nothing of ours is still running.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state;
        let (stop_workers, stop) = tokio::sync::watch::channel(false);
        // Background work also ends when this future is dropped mid-way (as when a test
        // kills the server), not only on an orderly stop.
        let maintenance = AbortOnDrop(tokio::spawn(maintain(state.clone(), stop.clone())));
        let delivery = AbortOnDrop(tokio::spawn(crate::outbox::run(state.clone(), stop)));
        let router = crate::router::build(state.clone());
        tracing::info!(address = %self.listener.local_addr()?, "gatehouse is serving");

        let stopping = Arc::new(tokio::sync::Notify::new());
        let signal_stopping = stopping.clone();
        let serving = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            signal_stopping.notify_one();
        })
        .into_future();
        let grace = Duration::from_secs(state.config.server.shutdown_grace_seconds);
        let served = tokio::select! {
            served = serving => served,
            () = async {
                stopping.notified().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(
                    grace_seconds = grace.as_secs(),
                    "requests still open after the shutdown grace period were cut off"
                );
                Ok(())
            }
        };

        let _ = stop_workers.send(true);
        for worker in [maintenance, delivery] {
            worker.finish(WORKER_GRACE).await;
        }
        state.store.close(WORKER_GRACE).await;
        tracing::info!("gatehouse stopped");
        served
    }
}

/// How long background workers and borrowed database connections get to finish at shutdown.
const WORKER_GRACE: Duration = Duration::from_secs(10);

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl AbortOnDrop {
    /// Waits up to `grace` for the task to end by itself, then aborts it.
    async fn finish(mut self, grace: Duration) {
        if tokio::time::timeout(grace, &mut self.0).await.is_err() {
            tracing::warn!("a background task did not stop in time and was aborted");
        }
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The lease under which one node at a time does the shared background work.
const MAINTENANCE_LEASE: &str = "maintenance";

/// How long a node holds [`MAINTENANCE_LEASE`] without renewing it: long enough to outlast
/// one round of work, short enough that another node takes over soon after a node dies.
const MAINTENANCE_LEASE_SECONDS: i64 = 180;

/// Periodic work until `stop` turns true. Every node picks up rotated keys; one node at a
/// time, the holder of the maintenance lease, rotates keys on schedule and deletes expired
/// rows (the outbox worker needs no lease: it claims each message on its own).
async fn maintain(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let node = crate::random::identifier();
    let mut reload = tokio::time::interval(Duration::from_secs(
        state.config.keys.reload_interval_seconds,
    ));
    let mut cleanup = tokio::time::interval(Duration::from_secs(600));
    let mut purge = tokio::time::interval(Duration::from_secs(
        state.config.accounts.purge_interval_seconds,
    ));
    let mut metrics_upkeep = tokio::time::interval(crate::observability::UPKEEP_EVERY);
    while !*stop.borrow() {
        tokio::select! {
            _ = stop.changed() => {}
            _ = metrics_upkeep.tick() => {
                // Folds recorded latencies into their buckets, so memory stays flat when
                // nobody scrapes.
                if state.config.metrics.enabled && let Some(handle) = crate::observability::recorder() {
                    handle.run_upkeep();
                }
            }
            _ = reload.tick() => {
                if holds_lease(&state, &node).await {
                    rotate_if_due(&state).await;
                }
                let now = state.now();
                match state.keys.reload(&state.store, &state.kek, now, state.config.keys.retired_retention_seconds).await {
                    Ok(true) => tracing::info!("signing keys reloaded"),
                    Ok(false) => {}
                    Err(error) => tracing::error!(%error, "reloading signing keys failed"),
                }
            }
            _ = cleanup.tick() => {
                if holds_lease(&state, &node).await
                    && let Err(error) = purge_expired(&state).await
                {
                    tracing::error!(%error, "cleanup failed");
                }
            }
            _ = purge.tick() => {
                if !holds_lease(&state, &node).await {
                    continue;
                }
                let grace = state.config.accounts.closure_grace_days;
                match crate::service::accounts::purge_expired(&state.store, &state.secrets, grace, state.now()).await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "closed accounts past their grace period purged"),
                    Err(error) => tracing::error!(%error, "purging closed accounts failed"),
                }
            }
        }
    }
    // Another node need not wait for the lease to run out.
    let released = state
        .store
        .write(move |connection| leases::release(connection, MAINTENANCE_LEASE, &node))
        .await;
    if let Err(error) = released {
        tracing::warn!(%error, "the maintenance lease could not be released");
    }
}

/// Takes or renews the maintenance lease for `node`; `false` while another node holds it.
async fn holds_lease(state: &AppState, node: &str) -> bool {
    let now = state.now();
    let node = node.to_owned();
    let acquired = state
        .store
        .write(move |connection| {
            leases::acquire(
                connection,
                MAINTENANCE_LEASE,
                &node,
                now,
                MAINTENANCE_LEASE_SECONDS,
            )
        })
        .await;
    acquired.unwrap_or_else(|error| {
        tracing::error!(%error, "the maintenance lease could not be taken");
        false
    })
}

/// Rotates the signing keys when the next key has been published for
/// `keys.rotate_every_days`: it has been in every relying party's JWKS cache that long
/// before it signs, and the key it replaces stays published for
/// `keys.retired_retention_seconds`.
async fn rotate_if_due(state: &AppState) {
    let every_days = state.config.keys.rotate_every_days;
    if every_days == 0 {
        return;
    }
    let now = state.now();
    let due = match state.store.read(keys::list).await {
        Ok(stored) => keyring::rotation_due(&stored, every_days * 86_400, now),
        Err(error) => {
            tracing::error!(%error, "reading signing keys for rotation failed");
            return;
        }
    };
    if !due {
        return;
    }
    let algorithms = match state.config.signing_algorithms() {
        Ok(algorithms) => algorithms,
        Err(error) => {
            tracing::error!(%error, "scheduled key rotation skipped");
            return;
        }
    };
    match keyring::rotate(
        &state.store,
        &state.kek,
        &algorithms,
        state.config.keys.rsa_bits,
        now,
    )
    .await
    {
        Ok(rotations) => {
            for rotation in rotations {
                tracing::info!(
                    algorithm = rotation.algorithm.as_str(),
                    current_kid = rotation.current_kid,
                    next_kid = rotation.next_kid,
                    "signing keys rotated on schedule"
                );
            }
        }
        Err(error) => tracing::error!(%error, "scheduled key rotation failed"),
    }
}

/// Deletes expired flows, codes, sessions, grants and retired keys.
pub async fn purge_expired(state: &AppState) -> anyhow::Result<usize> {
    let now = state.now();
    // Keep a day of history so replays and support questions can still be answered.
    let cutoff = now.plus_seconds(-24 * 3600);
    let key_cutoff = now.plus_seconds(-state.config.keys.retired_retention_seconds);
    let audit_cutoff = now.plus_seconds(-state.config.audit.retention_days * 24 * 3600);
    let idempotency_cutoff = now.plus_seconds(-state.config.api.idempotency_hours * 3600);
    let backoff_cutoff = now.plus_seconds(-state.config.login.forget_after_seconds);
    let removed = state
        .store
        .write(
            move |connection| -> Result<usize, gatehouse_store::StoreError> {
                Ok(flows::purge_expired(connection, now)?
                    + gatehouse_store::pushed_requests::purge_expired(connection, now)?
                    + gatehouse_store::registrations::purge_expired(connection, cutoff)?
                    + codes::purge_expired(connection, cutoff)?
                    + sessions::purge_before(connection, cutoff)?
                    + grants::purge_expired(connection, cutoff)?
                    + keys::purge_retired_before(connection, key_cutoff)?
                    + outbox::purge_finished(connection, now.plus_seconds(-7 * 24 * 3600))?
                    + verifications::purge_expired(connection, cutoff)?
                    // What requests without a session left behind goes as soon as it expires.
                    + verifications::purge_expired_of(
                        connection,
                        &[
                            Purpose::PasskeyChallenge,
                            Purpose::PasskeyRegistration,
                            Purpose::SecondFactor,
                            Purpose::Reauthentication,
                            Purpose::UpstreamLink,
                        ],
                        now,
                    )?
                    + gatehouse_store::upstream::purge_attempts(connection, now)?
                    + grants::purge_dpop_proofs(connection, now)?
                    + rate_limits::purge_before(connection, cutoff)?
                    + backoff::purge_before(connection, backoff_cutoff)?
                    + audit::purge_before(connection, audit_cutoff)?
                    + idempotency::purge_before(connection, idempotency_cutoff)?)
            },
        )
        .await?;
    Ok(removed)
}
