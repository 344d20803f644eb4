//! Self-registration and its confirmation link.

use crate::error::PageError;
use crate::http::ClientAddress;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::service::registration::{self, Confirmed, Form, Refusal, Target};
use crate::state::AppState;
use crate::throttle::{Key, RetryAfter};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::studio::FieldRule;
use serde::Deserialize;

/// `?studio=&flow=`
#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    studio: Option<String>,
    /// The authorization request whose sign-in page linked here.
    flow: Option<String>,
}

fn field_label_key(field: &str) -> &'static str {
    match field {
        "name" => "field-name",
        "email" => "field-email",
        "phone" => "field-phone",
        "country" => "field-country",
        "company" => "field-company",
        "job_title" => "field-job-title",
        "confirm_password" => "account-confirm-password",
        _ => "field-name",
    }
}

fn render_form(
    state: &AppState,
    page: &PageContext,
    target: &Target,
    flow: Option<&str>,
    form: &Form,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let fields: Vec<minijinja::Value> = [
        ("phone", target.fields.phone, "tel", "tel", &form.phone),
        (
            "country",
            target.fields.country,
            "text",
            "country-name",
            &form.country,
        ),
        (
            "company",
            target.fields.company,
            "text",
            "organization",
            &form.company,
        ),
        (
            "job_title",
            target.fields.job_title,
            "text",
            "organization-title",
            &form.job_title,
        ),
    ]
    .into_iter()
    .filter(|(_, rule, ..)| *rule != FieldRule::Hidden)
    .map(|(name, rule, kind, autocomplete, value)| {
        minijinja::context! {
            name => name,
            label => page.translate(field_label_key(name), &[]),
            type => kind,
            autocomplete => autocomplete,
            value => value.clone(),
            required => rule == FieldRule::Required,
        }
    })
    .collect();
    let policy = crate::service::passwords::policy_for_studio(state, target.studio.as_ref());
    page.render(
        state,
        "register.html",
        minijinja::context! {
            studio_name => target.studio.as_ref().map(|studio| studio.name.clone()),
            studio_slug => target.studio.as_ref().map(|studio| studio.slug.clone()),
            form => minijinja::context! { name => form.name.clone(), email => form.email.clone() },
            fields => fields,
            rules => page.translate("password-rules-summary", &[("min", policy.min_length.to_string())]),
            errors => errors,
            flow => flow,
            login_url => super::with_flow("/login", flow),
        },
    )
}

/// Where a registration goes: the studio's, else the instance's (open instance-wide, or for
/// the client whose sign-in page `flow` belongs to). Also the flow, if it is alive.
async fn target_or_closed(
    state: &AppState,
    studio: Option<&str>,
    flow: Option<&str>,
) -> Result<(Target, Option<String>), PageError> {
    // The flow is loaded once: whether it is alive and whether its client takes registrations.
    let live = match flow.filter(|flow_id| !flow_id.is_empty() && flow_id.len() <= 128) {
        Some(flow_id) => crate::service::authorization::load_flow(state, flow_id)
            .await
            .ok()
            .map(|(_, client)| (flow_id.to_owned(), client.allows_registration)),
        None => None,
    };
    let (flow, invited_by_client) = match live {
        Some((flow_id, allows)) => (Some(flow_id), allows),
        None => (None, false),
    };
    let target = registration::target(
        state,
        studio.filter(|slug| !slug.is_empty()),
        invited_by_client,
    )
    .await?
    .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "register-closed"))?;
    Ok((target, flow))
}

/// `GET /register`
pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let (target, flow) =
        target_or_closed(&state, query.studio.as_deref(), query.flow.as_deref()).await?;
    render_form(
        &state,
        &page,
        &target,
        flow.as_deref(),
        &Form::default(),
        Vec::new(),
    )
}

/// The registration form.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    job_title: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
    /// The authorization request whose sign-in page linked to the form.
    flow: Option<String>,
}

impl CsrfProtected for RegisterForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /register`
pub async fn submit(
    State(state): State<AppState>,
    Query(query): Query<RegisterQuery>,
    ClientAddress(address): ClientAddress,
    CsrfForm { page, form }: CsrfForm<RegisterForm>,
) -> Result<Response, PageError> {
    let (target, flow) =
        target_or_closed(&state, query.studio.as_deref(), form.flow.as_deref()).await?;
    // Registrations count against the address's allowance (each sends an e-mail); a form
    // refused for its fields gets its attempt back.
    let permit = match state
        .throttle
        .begin(vec![Key::address("register", address)], state.now())
        .await?
    {
        Ok(permit) => permit,
        Err(RetryAfter(seconds)) => {
            let mut response = page.render_message(
                &state,
                "error-title",
                vec![page.translate("error-rate-limited", &[])],
                None,
            )?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(response);
        }
    };
    let submitted = Form {
        name: form.name,
        email: form.email,
        phone: form.phone,
        country: form.country,
        company: form.company,
        job_title: form.job_title,
        password: form.password,
        confirm_password: form.confirm_password,
    };
    let shown = Form {
        password: String::new(),
        confirm_password: String::new(),
        ..submitted.clone()
    };
    let email = submitted.email.trim().to_owned();
    match registration::register(&state, &target, submitted, &page.language, flow.as_deref())
        .await?
    {
        Ok(()) => {
            drop(permit);
            page.render_message(
                &state,
                "register-check-email-title",
                vec![page.translate("register-check-email-body", &[("email", email)])],
                None,
            )
        }
        Err(refusal) => {
            permit.succeeded().await;
            let errors = match refusal {
                Refusal::Fields(problems) => problems
                    .iter()
                    .map(|(field, problem)| {
                        page.translate(
                            problem,
                            &[("field", page.translate(field_label_key(field), &[]))],
                        )
                    })
                    .collect(),
                Refusal::Password(violations) => {
                    let policy = crate::service::passwords::policy_for_studio(
                        &state,
                        target.studio.as_ref(),
                    );
                    crate::service::passwords::describe(&page.language, &policy, &violations)
                }
            };
            let mut response =
                render_form(&state, &page, &target, flow.as_deref(), &shown, errors)?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }
}

/// `GET /register/confirm?token=`: the page the e-mailed link opens. It confirms nothing by
/// itself, since mail scanners follow links; the button on it does.
pub async fn show_confirm(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<super::TokenQuery>,
) -> Result<Response, PageError> {
    if !registration::check_confirmation(&state, &query.token).await? {
        return super::invalid_link(&state, &page, None);
    }
    page.render(
        &state,
        "confirm_link.html",
        minijinja::context! {
            title => page.translate("register-confirm-title", &[]),
            intro => page.translate("register-confirm-intro", &[]),
            submit => page.translate("register-confirm-submit", &[]),
            action => "/register/confirm",
            token => query.token,
        },
    )
}

/// `POST /register/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    CsrfForm { page, form }: CsrfForm<super::TokenForm>,
) -> Result<Response, PageError> {
    match registration::confirm(&state, &form.token).await? {
        Ok((Confirmed::Active, flow)) => {
            if let Some(flow) = super::live_flow(&state, flow.as_deref()).await {
                return Ok(
                    Redirect::to(&super::back_to_flow(&flow, super::Returned::Registered))
                        .into_response(),
                );
            }
            page.render_message(
                &state,
                "register-confirmed-title",
                vec![page.translate("register-confirmed-body", &[])],
                Some(("/login", "login-title")),
            )
        }
        Ok((Confirmed::AwaitingApproval, _)) => page.render_message(
            &state,
            "register-awaiting-title",
            vec![page.translate("register-awaiting-body", &[])],
            None,
        ),
        Err(_) => super::invalid_link(&state, &page, None),
    }
}
