//! `gatehouse providers ...`: upstream identity providers.

use super::{Printed, json_line, read_secret_line};
use crate::service::audit::Actor;
use crate::service::upstream::{self, ProviderSettings};
use crate::state::AppState;
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use gatehouse_core::upstream::{ClaimMapping, Endpoints, ProviderKind, UpstreamProvider};
use std::io::Read;

/// `gatehouse providers ...`
#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// Configure an upstream provider; prints it with the redirect URI to register there.
    Create(ProviderArgs),
    /// List upstream providers in button order (never their secrets).
    List,
    /// Change an upstream provider's settings.
    Set(ProviderArgs),
    /// Remove an upstream provider; the identities linked through it are unlinked.
    Delete {
        /// The provider's id.
        #[arg(long)]
        id: String,
    },
}

/// A provider's settings on the command line.
#[derive(Debug, Args)]
pub struct ProviderArgs {
    /// Id: lower-case letters, digits and hyphens (`google`, `corp-sso`); it is what
    /// studios list in `allowed_providers`.
    #[arg(long)]
    pub id: String,
    /// oidc, google, microsoft, facebook, x or oauth2 (creation only).
    #[arg(long)]
    pub kind: Option<String>,
    /// The button's label (default: the kind's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Our client id at the provider.
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the client secret from standard input (it is stored encrypted).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Issuer: required for oidc; for microsoft the tenant's
    /// (https://login.microsoftonline.com/<tenant>/v2.0, or common/organizations).
    #[arg(long)]
    pub issuer: Option<String>,
    /// Authorization endpoint override.
    #[arg(long, value_name = "URL")]
    pub authorization_url: Option<String>,
    /// Token endpoint override.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// UserInfo (users-me) endpoint override.
    #[arg(long, value_name = "URL")]
    pub userinfo_url: Option<String>,
    /// Scopes, comma-separated (default: the kind's).
    #[arg(long, value_delimiter = ',')]
    pub scopes: Option<Vec<String>>,
    /// A claim mapping as JSON: {"subject": "id", "email": "mail", ...}.
    #[arg(long, value_name = "JSON")]
    pub claims: Option<String>,
    /// Whether its e-mail addresses count as verified when it does not say.
    #[arg(long, value_name = "BOOL")]
    pub email_trusted: Option<bool>,
    /// Button position (lower first).
    #[arg(long, value_name = "N")]
    pub button_order: Option<i32>,
    /// Whether it is offered.
    #[arg(long, value_name = "BOOL")]
    pub enabled: Option<bool>,
}

fn provider_json(
    state: &AppState,
    provider: &UpstreamProvider,
    has_secret: bool,
) -> serde_json::Value {
    serde_json::json!({
        "id": provider.id,
        "kind": provider.kind.as_str(),
        "display_name": provider.display_name,
        "client_id": provider.client_id,
        "has_client_secret": has_secret,
        "issuer": provider.issuer,
        "endpoints": provider.endpoints,
        "scopes": provider.scopes,
        "claims": provider.claims,
        "email_trusted": provider.email_trusted,
        "button_order": provider.button_order,
        "enabled": provider.enabled,
        "redirect_uri": upstream::signin::redirect_uri(state, &provider.id),
    })
}

async fn settings(
    arguments: ProviderArgs,
    current: Option<&UpstreamProvider>,
    stdin: impl Read + Send + 'static,
) -> anyhow::Result<ProviderSettings> {
    let kind = arguments
        .kind
        .as_deref()
        .map(|kind| {
            kind.parse::<ProviderKind>().map_err(|_| {
                anyhow::anyhow!(
                    "invalid kind {kind:?}: use oidc, google, microsoft, facebook, x or oauth2"
                )
            })
        })
        .transpose()?;
    let endpoint_given = arguments.authorization_url.is_some()
        || arguments.token_url.is_some()
        || arguments.userinfo_url.is_some();
    let endpoints = endpoint_given.then(|| {
        let base = current
            .map(|provider| provider.endpoints.clone())
            .unwrap_or_default();
        Endpoints {
            authorization: arguments.authorization_url.clone().or(base.authorization),
            token: arguments.token_url.clone().or(base.token),
            userinfo: arguments.userinfo_url.clone().or(base.userinfo),
            jwks: base.jwks,
        }
    });
    let claims = match &arguments.claims {
        Some(text) => Some(serde_json::from_str::<ClaimMapping>(text).context(
            "invalid claims: a JSON object of subject, email, email_verified, name, given_name, family_name, locale",
        )?),
        None => None,
    };
    let client_secret = if arguments.client_secret_stdin {
        Some(read_secret_line(stdin, "the client secret").await?)
    } else {
        None
    };
    Ok(ProviderSettings {
        kind,
        display_name: arguments.name,
        client_id: arguments.client_id,
        client_secret,
        issuer: arguments.issuer,
        endpoints,
        scopes: arguments.scopes,
        claims,
        email_trusted: arguments.email_trusted,
        button_order: arguments.button_order,
        enabled: arguments.enabled,
    })
}

/// Runs `gatehouse providers ...`.
pub async fn run(
    state: &AppState,
    command: ProvidersCommand,
    stdin: impl Read + Send + 'static,
) -> anyhow::Result<Printed> {
    let actor = Actor::cli();
    match command {
        ProvidersCommand::Create(arguments) => {
            let id = arguments.id.clone();
            let settings = settings(arguments, None, stdin).await?;
            let has_secret = settings.client_secret.is_some();
            match upstream::create(state, &actor, &id, settings).await? {
                Ok(provider) => Ok(json_line(&provider_json(state, &provider, has_secret))),
                Err(refusal) => bail!("provider not created: {refusal}"),
            }
        }
        ProvidersCommand::Set(arguments) => {
            let id = arguments.id.clone();
            let current = upstream::find(state, &id)
                .await?
                .with_context(|| format!("no provider {id:?}"))?;
            let settings = settings(arguments, Some(&current.0), stdin).await?;
            let has_secret = settings.client_secret.is_some() || current.1.is_some();
            match upstream::update(state, &actor, &id, settings).await? {
                Ok(provider) => Ok(json_line(&provider_json(state, &provider, has_secret))),
                Err(refusal) => bail!("provider not changed: {refusal}"),
            }
        }
        ProvidersCommand::List => {
            let listed: Vec<serde_json::Value> = upstream::list_configured(state)
                .await?
                .iter()
                .map(|(provider, has_secret)| provider_json(state, provider, *has_secret))
                .collect();
            Ok(json_line(&serde_json::Value::from(listed)))
        }
        ProvidersCommand::Delete { id } => {
            if !upstream::delete(state, &actor, &id).await? {
                bail!("no provider {id:?}");
            }
            Ok(json_line(&serde_json::json!({ "deleted": id })))
        }
    }
}
