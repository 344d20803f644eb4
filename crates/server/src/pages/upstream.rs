//! Sign-in through upstream providers: the buttons' form, the provider's answer, the proof
//! that links an existing account, and the studio's own sign-in address.

use crate::error::PageError;
use crate::http::Origin;
use crate::http::page::{CsrfForm, CsrfProtected, PageContext};
use crate::http::session::CurrentSession;
use crate::service::login::{Continuation, LoginFailure, Next};
use crate::service::upstream::signin::{self, Answer, Failure, Finished, Proof};
use crate::service::verification::SendRefusal;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The form behind a provider's button.
#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    csrf_token: String,
    flow: Option<String>,
    return_to: Option<String>,
    /// The studio whose sign-in page it was (its slug).
    studio: Option<String>,
}

impl CsrfProtected for StartForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn non_empty(value: Option<&String>) -> Option<String> {
    value.filter(|value| !value.is_empty()).cloned()
}

/// The sign-in page to go back to after a failure.
fn back_to_sign_in(continuation: &Continuation, studio: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(flow) = &continuation.flow {
        query.append_pair("flow", flow);
    }
    if let Some(path) = &continuation.return_to {
        query.append_pair("return_to", path);
    }
    let query = query.finish();
    let page = match studio {
        Some(slug) => format!("/s/{slug}/login"),
        None => "/login".to_owned(),
    };
    if query.is_empty() {
        page
    } else {
        format!("{page}?{query}")
    }
}

/// The page of a failed upstream sign-in: what happened and the way back.
fn failure_page(
    state: &AppState,
    page: &PageContext,
    failure: Failure,
    back: &str,
) -> Result<Response, PageError> {
    let mut response = page.render_message(
        state,
        "upstream-error-title",
        vec![page.translate(failure.message_key(), &[])],
        Some((back, "upstream-back-to-login")),
    )?;
    *response.status_mut() = match failure {
        Failure::UnknownProvider => StatusCode::NOT_FOUND,
        Failure::Unavailable => StatusCode::BAD_GATEWAY,
        Failure::TooMany => StatusCode::TOO_MANY_REQUESTS,
        Failure::Expired | Failure::Invalid => StatusCode::BAD_REQUEST,
        Failure::Denied
        | Failure::NotAllowed
        | Failure::UnverifiedEmail
        | Failure::NoAccount
        | Failure::AccountUnusable => StatusCode::FORBIDDEN,
    };
    Ok(response)
}

/// `POST /login/upstream/{provider}`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    origin: Origin,
    CsrfForm { page, form }: CsrfForm<StartForm>,
) -> Result<Response, PageError> {
    let flow = non_empty(form.flow.as_ref());
    // A flow pinned to a studio (`studio=` / `organization=`) is that studio's sign-in,
    // whatever the form says.
    let (page, pinned) = match &flow {
        Some(flow_id) => {
            let (page, stored, _) = super::flow_page(&state, page, flow_id).await?;
            (page, stored.request.organization)
        }
        None => (page, None),
    };
    let continuation = Continuation {
        flow,
        return_to: non_empty(form.return_to.as_ref()).map(|path| super::safe_return(Some(&path))),
        ..Continuation::default()
    };
    let studio = pinned.or_else(|| non_empty(form.studio.as_ref()));
    let actor = origin.actor("anonymous");
    match signin::start(
        &state,
        &provider_id,
        studio.as_deref(),
        continuation.clone(),
        &page.browser_binding(),
        &actor,
        origin.address,
    )
    .await?
    {
        Ok(url) => {
            let mut response = Redirect::to(&url).into_response();
            page.finish(&state, &mut response);
            Ok(response)
        }
        Err(failure) => failure_page(
            &state,
            &page,
            failure,
            &back_to_sign_in(&continuation, studio.as_deref()),
        ),
    }
}

/// `GET /login/upstream/{provider}/callback`: the provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    page: PageContext,
    origin: Origin,
    CurrentSession(previous): CurrentSession,
    headers: HeaderMap,
    Query(answer): Query<Answer>,
) -> Result<Response, PageError> {
    let browser = super::browser(&state, &headers, origin.address, previous);
    let actor = origin.actor("anonymous");
    let finished = signin::finish(
        &state,
        &provider_id,
        &answer,
        &page.browser_binding(),
        browser,
        &actor,
    )
    .await?;
    match finished {
        Finished::SignIn(next) => go_on(&state, &page, *next).await,
        Finished::ProveOwnership(request) => {
            let mut response =
                Redirect::to(&format!("/login/upstream/link?request={request}")).into_response();
            page.finish(&state, &mut response);
            Ok(response)
        }
        Finished::Failed(failure, continuation, studio) => {
            let page = match &continuation.flow {
                Some(flow_id) => match super::flow_page(&state, page.clone(), flow_id).await {
                    Ok((page, _, _)) => page,
                    Err(_) => page,
                },
                None => page,
            };
            failure_page(
                &state,
                &page,
                failure,
                &back_to_sign_in(&continuation, studio.as_deref()),
            )
        }
    }
}

async fn go_on(
    state: &AppState,
    page: &PageContext,
    next: Result<Next, LoginFailure>,
) -> Result<Response, PageError> {
    match next {
        Ok(next) => super::go_on(state, page, next).await,
        Err(LoginFailure::InvalidCredentials) => failure_page(
            state,
            page,
            Failure::AccountUnusable,
            &back_to_sign_in(&Continuation::default(), None),
        ),
        Err(other) => Err(super::sign_in_refused(other)),
    }
}

/// `?request=` of the link page.
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    request: String,
}

async fn render_link(
    state: &AppState,
    page: &PageContext,
    request: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let Some(pending) = signin::pending_link(state, request, &page.browser_binding()).await? else {
        return failure_page(
            state,
            page,
            Failure::Expired,
            &back_to_sign_in(&Continuation::default(), None),
        );
    };
    let mut response = page.render(
        state,
        "upstream_link.html",
        minijinja::context! {
            request => request,
            provider => pending.provider_name,
            email => pending.email,
            has_password => pending.has_password,
            code_sent => pending.code_sent,
            error => error,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /login/upstream/link`: prove the account before linking.
pub async fn show_link(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<LinkQuery>,
) -> Result<Response, PageError> {
    render_link(&state, &page, &query.request, None, StatusCode::OK).await
}

/// The proof form.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

impl CsrfProtected for LinkForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// `POST /login/upstream/link`: the password, a request for a code, or the code.
pub async fn submit_link(
    State(state): State<AppState>,
    origin: Origin,
    CurrentSession(previous): CurrentSession,
    headers: HeaderMap,
    CsrfForm { page, form }: CsrfForm<LinkForm>,
) -> Result<Response, PageError> {
    let binding = page.browser_binding();
    let browser = super::browser(&state, &headers, origin.address, previous);
    let proof = match form.action.as_str() {
        "send_code" => {
            return match signin::send_code(
                &state,
                &form.request,
                &binding,
                origin.address,
                &page.language,
            )
            .await?
            {
                None => render_link(&state, &page, &form.request, None, StatusCode::OK).await,
                Some(Ok(request)) => Ok(Redirect::to(&format!(
                    "/login/upstream/link?request={request}"
                ))
                .into_response()),
                Some(Err(SendRefusal::TooManyToday | SendRefusal::SmsBudget)) => {
                    render_link(
                        &state,
                        &page,
                        &form.request,
                        Some(page.translate("code-error-too-many-today", &[])),
                        StatusCode::TOO_MANY_REQUESTS,
                    )
                    .await
                }
            };
        }
        "code" => {
            signin::prove_with_code(&state, &form.request, &form.code, browser, &binding).await?
        }
        _ => {
            signin::prove_with_password(&state, &form.request, &form.password, browser, &binding)
                .await?
        }
    };
    match proof {
        Proof::Linked(next) => go_on(&state, &page, *next).await,
        Proof::WrongPassword => {
            render_link(
                &state,
                &page,
                &form.request,
                Some(page.translate("upstream-link-wrong-password", &[])),
                StatusCode::OK,
            )
            .await
        }
        Proof::Throttled(seconds) => {
            let mut response = render_link(
                &state,
                &page,
                &form.request,
                Some(page.translate("login-error-throttled", &[("seconds", seconds.to_string())])),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await?;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Proof::WrongCode(rejection) => {
            render_link(
                &state,
                &page,
                &form.request,
                Some(super::code_error(&page, rejection)),
                StatusCode::OK,
            )
            .await
        }
        Proof::Expired => failure_page(
            &state,
            &page,
            Failure::Expired,
            &back_to_sign_in(&Continuation::default(), None),
        ),
    }
}
