//! Branding of studios and clients: changing it (API and CLI), and what a sign-in page shows.

use crate::service::audit::{self, Actor, Event};
use crate::state::AppState;
use gatehouse_core::branding::{self, AccentColor, Branding, BrandingError};
use gatehouse_core::{ClientId, StudioId};
use gatehouse_store::branding::{self as stored, Owner};
use gatehouse_store::{StoreError, clients, studios};

/// Whose branding changes.
#[derive(Debug, Clone)]
pub enum Brandable {
    /// A studio, by slug.
    Studio(String),
    /// A client, by id.
    Client(ClientId),
}

/// A change: each part given is replaced, `Some(None)` removes it.
#[derive(Debug, Default)]
pub struct BrandingChange {
    /// The display name.
    pub display_name: Option<Option<String>>,
    /// The accent colour, `#rrggbb`.
    pub accent_color: Option<Option<String>>,
    /// The logo's bytes and declared media type.
    pub logo: Option<Option<(Vec<u8>, Option<String>)>>,
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum BrandingRefusal {
    /// A part breaks a rule.
    #[error(transparent)]
    Invalid(#[from] BrandingError),
    /// No such studio or client.
    #[error("no such studio or client")]
    NotFound,
    /// Database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<gatehouse_store::DieselError> for BrandingRefusal {
    fn from(error: gatehouse_store::DieselError) -> Self {
        Self::Store(error.into())
    }
}

/// Applies `change` to the branding of `target`; returns the branding now shown.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    target: Brandable,
    change: BrandingChange,
) -> Result<Branding, BrandingRefusal> {
    let display_name = change
        .display_name
        .map(|name| {
            name.as_deref()
                .map(branding::check_display_name)
                .transpose()
        })
        .transpose()?;
    let accent_color = change
        .accent_color
        .map(|color| color.as_deref().map(str::parse::<AccentColor>).transpose())
        .transpose()?;
    let logo = change
        .logo
        .map(|logo| {
            logo.map(|(bytes, declared)| {
                branding::check_logo(&bytes, declared.as_deref()).map(|kind| {
                    let digest = gatehouse_core::secret::sha256_base64url(&bytes);
                    (digest, kind.media_type(), bytes)
                })
            })
            .transpose()
        })
        .transpose()?;
    let (actor, secrets, now) = (actor.clone(), state.secrets.clone(), state.now());
    state
        .store
        .write(move |connection| -> Result<Branding, BrandingRefusal> {
            let (studio_id, client_id) = match &target {
                Brandable::Studio(slug) => {
                    let studio = studios::find_by_slug(connection, slug)?
                        .ok_or(BrandingRefusal::NotFound)?;
                    (Some(studio.id), None)
                }
                Brandable::Client(id) => {
                    let client = clients::find(connection, id)?.ok_or(BrandingRefusal::NotFound)?;
                    (None, Some(client.id))
                }
            };
            let owner = match (&studio_id, &client_id) {
                (Some(id), _) => Owner::Studio(id),
                (_, Some(id)) => Owner::Client(id),
                _ => return Err(BrandingRefusal::NotFound),
            };
            let mut branding = stored::find(connection, owner)?;
            if let Some(name) = display_name {
                branding.display_name = name;
            }
            if let Some(color) = accent_color {
                branding.accent_color = color;
            }
            let new_logo = match &logo {
                Some(Some((digest, media_type, bytes))) => {
                    branding.logo = Some(digest.clone());
                    Some((digest.as_str(), *media_type, bytes.as_slice()))
                }
                Some(None) => {
                    branding.logo = None;
                    None
                }
                None => None,
            };
            stored::save(connection, owner, &branding, new_logo, now)?;
            audit::record(
                connection,
                &secrets,
                &actor,
                &Event {
                    studio_id: studio_id.as_ref().map(StudioId::as_str),
                    client_id: client_id.as_ref().map(ClientId::as_str),
                    detail: serde_json::json!({
                        "display_name": branding.display_name,
                        "accent_color": branding.accent_color.as_ref().map(AccentColor::as_str),
                        "logo": branding.logo,
                    }),
                    ..Event::new("branding.changed")
                },
                now,
            )?;
            Ok(branding)
        })
        .await
}

/// The branding of `target` as stored.
pub async fn get(state: &AppState, target: Brandable) -> Result<Branding, BrandingRefusal> {
    state
        .store
        .read(move |connection| match &target {
            Brandable::Studio(slug) => match studios::find_by_slug(connection, slug)? {
                Some(studio) => stored::find(connection, Owner::Studio(&studio.id)).map(Some),
                None => Ok(None),
            },
            Brandable::Client(id) => match clients::find(connection, id)? {
                Some(_) => stored::find(connection, Owner::Client(id)).map(Some),
                None => Ok(None),
            },
        })
        .await?
        .ok_or(BrandingRefusal::NotFound)
}

/// What a sign-in page shows.
#[derive(Debug, Clone, Default)]
pub struct PageBranding {
    /// The masthead's name, logo and accent colour: the studio's branding, then the client's
    /// for what the studio leaves out (the studio is the organisation the user belongs to;
    /// the client is one of its applications), then the instance's accent colour.
    pub shown: Branding,
    /// The client's own display name, for "continue to ...".
    pub client_display_name: Option<String>,
}

/// The branding of a sign-in page of studio `studio_id` and client `client_id`.
pub async fn for_page(
    state: &AppState,
    studio_id: Option<&StudioId>,
    client_id: Option<&ClientId>,
) -> Result<PageBranding, StoreError> {
    let instance = Branding {
        accent_color: state.config.ui.accent_color.clone(),
        ..Branding::default()
    };
    if studio_id.is_none() && client_id.is_none() {
        return Ok(PageBranding {
            shown: instance,
            client_display_name: None,
        });
    }
    let (studio_id, client_id) = (studio_id.cloned(), client_id.cloned());
    let (studio, client) = state
        .store
        .read(move |connection| {
            stored::pair(
                connection,
                studio_id.as_ref().map(Owner::Studio),
                client_id.as_ref().map(Owner::Client),
            )
        })
        .await?;
    Ok(PageBranding {
        client_display_name: client.display_name.clone(),
        shown: studio.or(client).or(instance),
    })
}

/// The template values of a page's branding.
#[must_use]
pub fn template_value(branding: &Branding) -> minijinja::Value {
    minijinja::context! {
        name => branding.display_name.as_deref(),
        logo => branding.logo.as_deref(),
        accent => branding.accent_color.as_ref().map(AccentColor::hex),
    }
}
