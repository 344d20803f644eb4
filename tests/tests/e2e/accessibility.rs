//! The hosted pages for people who do not see, point or read them the way their designer
//! does, in a real headless Chromium: axe-core's rules on every page a user can reach, in
//! English and in Vietnamese; a sign-in with the keyboard alone; every page on a 320 px
//! wide screen; and screenshots of the main pages at desktop and phone widths.
//!
//! Skipped like the other Chromium tests when Chromium is missing.

use crate::accounts::Messaging;
use crate::chromium::installation;
use crate::chromium_flows::{BRANDED_STUDIO, brand_studio};
use crate::mfa::{enrol_totp, next_totp_step, session_browser};
use crate::{EMAIL, PASSWORD, REDIRECT_URI, authorization_request};
use gatehouse_tests::relying_party::{RelyingParty, relying_party};
use gatehouse_tests::webdriver::{Chromium, ENTER, TAB};
use gatehouse_tests::{Backend, TestApp, axe, totp};
use serde_json::json;

/// Both shipped languages: Vietnamese words and diacritics make longer lines than English.
const LANGUAGES: [&str; 2] = ["en", "vi"];

/// A user whose second step is an authenticator app.
const TOTP_EMAIL: &str = "minh.tran@example.com";

/// A member of the branded studio, already on as many devices as it allows, so a new
/// browser is offered the device swap.
const SWAP_EMAIL: &str = "lan.pham@example.com";

/// Selects the primary submit button of the sign-in form.
const SIGN_IN_BUTTON: &str = "form[action='/login'] button[type=submit]";

/// A server with registration open, a studio `fiin` whose admin is [`EMAIL`], a
/// third-party client that asks for consent, a user [`TOTP_EMAIL`] with an authenticator
/// app, and a branded studio with a one-device limit and device swaps, whose member
/// [`SWAP_EMAIL`] has used up that device.
struct Site {
    world: Messaging,
    third_party: RelyingParty,
    totp_key: Vec<u8>,
}

impl Site {
    async fn start() -> Self {
        let world = Messaging::start(Backend::Sqlite, |builder| {
            builder.with_setting("registration", "enabled", "true")
        })
        .await;
        let app = &world.app;
        app.create_user(EMAIL, PASSWORD).await;
        app.create_studio("fiin", "FiinPro", &[]).await;
        app.add_member("fiin", EMAIL, "admin", None).await;
        let client = app.register_client(REDIRECT_URI, &[]).await;
        let third_party = relying_party(
            &app.base_url,
            &client.id,
            client.secret.as_deref(),
            REDIRECT_URI,
        )
        .await;
        app.create_user(TOTP_EMAIL, PASSWORD).await;
        let browser = session_browser(&world, TOTP_EMAIL).await;
        let (totp_key, confirmed) = enrol_totp(app, &browser, "/account/security").await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.body);

        app.create_studio(BRANDED_STUDIO, "Lotus", &["--device-limit", "1"])
            .await;
        brand_studio(app, BRANDED_STUDIO).await;
        let swaps = app
            .cli(
                &[
                    "studios",
                    "set",
                    "--studio",
                    BRANDED_STUDIO,
                    "--device-self-service-swap",
                    "true",
                ],
                "",
            )
            .await;
        assert_eq!(swaps.exit_code, 0, "{}", swaps.stderr);
        app.create_user(SWAP_EMAIL, PASSWORD).await;
        app.add_member(BRANDED_STUDIO, SWAP_EMAIL, "member", None)
            .await;
        let first_device = app.browser_named("old-phone");
        let signed_in = first_device
            .submit_login("/login", SWAP_EMAIL, PASSWORD, false)
            .await;
        assert_eq!(signed_in.redirect(), "/", "{}", signed_in.body);
        Self {
            world,
            third_party,
            totp_key,
        }
    }

    fn url(&self, path: &str) -> String {
        self.world.app.url(path)
    }

    /// The authenticator app's code for a fresh time step (each code is accepted once).
    fn totp_code(&self) -> String {
        totp::code(&self.totp_key, next_totp_step(&self.world.app))
    }
}

/// A page of the tour, as the check at it sees it.
struct Stop {
    /// A short name for messages and screenshot files.
    name: &'static str,
    language: &'static str,
    /// The page's main action, when it has one: a narrow screen must not cut it off.
    primary: Option<&'static str>,
}

/// Walks a stranger's browser, in `language`, through every hosted page a user can reach,
/// running `check` at each.
async fn tour(
    site: &Site,
    chromium: &Chromium,
    language: &'static str,
    check: &mut impl AsyncFnMut(&Stop),
) {
    chromium.delete_cookies().await;
    // The switcher's link remembers the choice in a cookie for the pages that follow,
    // including those reached by a form post, which carry no `lang` in their address.
    chromium
        .open(&site.url(&format!("/?lang={language}")))
        .await;
    let stop = async |name: &'static str, path: &str, primary: Option<&'static str>| {
        arrive(site, chromium, language, path).await;
        Stop {
            name,
            language,
            primary,
        }
    };
    let primary = Some("main .button-primary");

    check(&stop("home", "/", primary).await).await;
    chromium.open(&site.url("/login")).await;
    check(&stop("sign-in", "/login", Some(SIGN_IN_BUTTON)).await).await;

    chromium.open(&site.url("/forgot-password")).await;
    check(&stop("forgot-password", "/forgot-password", primary).await).await;
    chromium.type_into("#identifier", EMAIL).await;
    chromium
        .click("form[action='/forgot-password'] button[type=submit]")
        .await;
    check(&stop("reset-code", "/forgot-password/code?", primary).await).await;

    chromium.open(&site.url("/forgot-username")).await;
    check(&stop("forgot-username", "/forgot-username", primary).await).await;
    chromium.open(&site.url("/register")).await;
    check(&stop("registration", "/register", primary).await).await;
    chromium.open(&site.url("/s/nope/login")).await;
    check(&stop("error", "/s/nope/login", None).await).await;
    chromium.open(&site.url("/s/fiin/login")).await;
    check(&stop("studio-sign-in", "/s/fiin/login", Some(SIGN_IN_BUTTON)).await).await;
    let branded = format!("/s/{BRANDED_STUDIO}/login");
    chromium.open(&site.url(&branded)).await;
    check(&stop("branded-studio-sign-in", &branded, Some(SIGN_IN_BUTTON)).await).await;

    // A relying party's authorization request: sign-in, consent, account choice.
    let (url, _, _) = authorization_request(&site.third_party, &["email"], "");
    chromium.open(&url).await;
    check(&stop("sign-in-for-app", "/login?flow=", Some(SIGN_IN_BUTTON)).await).await;
    chromium.type_into("#email", EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium.click(SIGN_IN_BUTTON).await;
    check(&stop("consent", "/consent?", primary).await).await;
    let (url, _, _) = authorization_request(&site.third_party, &[], "&prompt=select_account");
    chromium.open(&url).await;
    check(&stop("select-account", "/select-account?", primary).await).await;

    // The signed-in pages of a studio admin without a second step.
    chromium.open(&site.url("/")).await;
    check(&stop("home-signed-in", "/", primary).await).await;
    chromium.open(&site.url("/account")).await;
    check(&stop("account", "/account", primary).await).await;
    chromium.open(&site.url("/studios/fiin/members")).await;
    check(&stop("studio-members", "/studios/fiin/members", None).await).await;
    chromium.open(&site.url("/account/security")).await;
    check(&stop("security", "/account/security", None).await).await;
    chromium
        .click("form[action='/account/security/totp'] button[type=submit]")
        .await;
    check(&stop("authenticator-setup", "/account/security/totp", primary).await).await;
    chromium.open(&site.url("/logout")).await;
    check(&stop("sign-out", "/logout", primary).await).await;
    let sign_out = "form[action='/logout'] button[value=logout]";
    chromium.click(sign_out).await;
    // The answer has the same address as the question.
    chromium.wait_for_absence(sign_out).await;
    check(&stop("signed-out", "/logout", None).await).await;

    // A sign-in at the device limit: the offer to swap, then the code it sends. The swap
    // is never finished, so the next tour is offered it again.
    chromium.open(&site.url(&branded)).await;
    arrive(site, chromium, language, &branded).await;
    chromium.type_into("#email", SWAP_EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium.click(SIGN_IN_BUTTON).await;
    check(&stop("device-swap", "/device-swap?request=", primary).await).await;
    chromium
        .click("form[action='/device-swap/send'] button[type=submit]")
        .await;
    // The answer has the same address as the question.
    chromium.find("#code").await;
    check(&stop("device-swap-code", "/device-swap?request=", primary).await).await;

    // The second step, and the pages of a user who has one.
    chromium.open(&site.url("/login")).await;
    arrive(site, chromium, language, "/login").await;
    chromium.type_into("#email", TOTP_EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium.click(SIGN_IN_BUTTON).await;
    check(&stop("mfa", "/mfa?", primary).await).await;
    let mfa_url = chromium.url().await;
    chromium.click("a[href^='/mfa/help']").await;
    check(&stop("mfa-help", "/mfa/help?", primary).await).await;
    chromium.open(&mfa_url).await;
    arrive(site, chromium, language, "/mfa?").await;
    chromium.type_into("#code", &site.totp_code()).await;
    chromium
        .click("form[action='/mfa'] button[type=submit]")
        .await;
    chromium.wait_for_text(TOTP_EMAIL).await;
    chromium.open(&site.url("/account/security")).await;
    check(&stop("security-with-factors", "/account/security", None).await).await;
    chromium
        .click("form[action='/account/security/recovery-codes'] button[type=submit]")
        .await;
    check(
        &stop(
            "recovery-codes",
            "/account/security/recovery-codes",
            primary,
        )
        .await,
    )
    .await;
}

/// Waits for the page at `path` (a prefix of its address) and checks that it is in
/// `language`, so a check never passes by looking at the wrong page or language.
async fn arrive(site: &Site, chromium: &Chromium, language: &str, path: &str) {
    chromium.wait_for_url(&site.url(path)).await;
    let shown = chromium
        .script("return document.documentElement.lang;", json!([]))
        .await;
    assert_eq!(
        shown,
        json!(language),
        "the page at {} is not in {language}",
        chromium.url().await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hosted_page_passes_axe_in_english_and_vietnamese() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start().await;
    let chromium = Chromium::start(&installation).await;
    chromium.set_viewport(1280, 800).await;
    sees_known_barriers(&chromium).await;
    let mut barriers = Vec::new();
    for language in LANGUAGES {
        tour(&site, &chromium, language, &mut async |stop: &Stop| {
            let place = format!("{} [{}] {}", stop.name, stop.language, chromium.url().await);
            for violation in axe::check(&chromium, json!({ "resultTypes": ["violations"] })).await {
                if violation.is_barrier() {
                    barriers.push(format!("{place}: {violation}"));
                } else {
                    // Advice rather than a barrier: shown, so it is not forgotten.
                    eprintln!("{place}: {violation}");
                }
            }
            barriers.extend(
                field_contrast_problems(&chromium)
                    .await
                    .into_iter()
                    .map(|problem| format!("{place}: {problem}")),
            );
            // The stylesheet has a dark theme for systems set to dark: the rules about
            // colours run again in it (the others do not depend on colours).
            chromium.prefer_color_scheme("dark").await;
            let dark_contrast = json!({
                "runOnly": ["color-contrast", "link-in-text-block"],
                "resultTypes": ["violations"],
            });
            for violation in axe::check(&chromium, dark_contrast).await {
                barriers.push(format!("{place} (dark): {violation}"));
            }
            barriers.extend(
                field_contrast_problems(&chromium)
                    .await
                    .into_iter()
                    .map(|problem| format!("{place} (dark): {problem}")),
            );
            chromium.prefer_color_scheme("light").await;
        })
        .await;
    }
    chromium.quit().await;
    assert!(
        barriers.is_empty(),
        "serious or critical accessibility violations:\n{}",
        barriers.join("\n")
    );
}

/// Checks the checker: a page with known barriers is reported, so a clean run means clean
/// pages rather than a checker that looked at nothing.
async fn sees_known_barriers(chromium: &Chromium) {
    // `%23` is `#` in a data: address.
    chromium
        .open(
            "data:text/html,<title>t</title><main><img src='data:,'><input>\
             <input id=faint aria-label=f style='border: 1px solid %23eee; outline: none'></main>",
        )
        .await;
    let found: Vec<String> = axe::check(chromium, json!({}))
        .await
        .into_iter()
        .filter(axe::Violation::is_barrier)
        .map(|violation| violation.id)
        .collect();
    for expected in ["html-has-lang", "image-alt", "label"] {
        assert!(
            found.iter().any(|id| id == expected),
            "axe missed {expected}: {found:?}"
        );
    }
    let faint = field_contrast_problems(chromium).await;
    for expected in ["field edge", "focus ring"] {
        assert!(
            faint
                .iter()
                .any(|problem| problem.starts_with(expected) && problem.contains("faint")),
            "{expected} of the faint field not reported: {faint:?}"
        );
    }
}

/// Text fields whose edge or focus ring is too faint against what is behind them: WCAG's
/// 3:1 for the parts of a control that show where it is and that it has the focus
/// (success criterion 1.4.11), which axe's colour rule, about text, does not check.
async fn field_contrast_problems(chromium: &Chromium) -> Vec<String> {
    let found = chromium
        .script(
            "const parse = (css) => {
               const numbers = (css.match(/rgba?\\(([^)]*)\\)/) || [null, ''])[1]
                 .split(/[\\s,\\/]+/).filter(Boolean).map(Number);
               return numbers.length < 3 ? null : { rgb: numbers.slice(0, 3), alpha: numbers.length > 3 ? numbers[3] : 1 };
             };
             const luminance = (rgb) => {
               const [r, g, b] = rgb.map((channel) => {
                 const value = channel / 255;
                 return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
               });
               return 0.2126 * r + 0.7152 * g + 0.0722 * b;
             };
             const ratio = (one, other) => {
               const [a, b] = [luminance(one), luminance(other)];
               return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
             };
             const behind = (element) => {
               for (let parent = element.parentElement; parent; parent = parent.parentElement) {
                 const colour = parse(getComputedStyle(parent).backgroundColor);
                 if (colour && colour.alpha > 0) return colour.rgb;
               }
               return [255, 255, 255];
             };
             const describe = (element) => element.outerHTML.slice(0, 100);
             const problems = [];
             const fields = [...document.querySelectorAll(
               'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea'
             )].filter((element) => element.getClientRects().length > 0);
             for (const field of fields) {
               const around = behind(field);
               const border = parse(getComputedStyle(field).borderTopColor);
               const edge = border ? ratio(border.rgb, around) : 0;
               if (edge < 3) problems.push(`field edge contrast ${edge.toFixed(2)}: ${describe(field)}`);
               field.focus();
               const style = getComputedStyle(field);
               const outline = parse(style.outlineColor);
               const ring = style.outlineStyle === 'none' || !outline ? 0 : ratio(outline.rgb, around);
               if (ring < 3) problems.push(`focus ring contrast ${ring.toFixed(2)}: ${describe(field)}`);
               field.blur();
             }
             return problems;",
            json!([]),
        )
        .await;
    found
        .as_array()
        .into_iter()
        .flatten()
        .map(|problem| problem.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hosted_page_fits_a_320_pixel_wide_screen() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start().await;
    let chromium = Chromium::start(&installation).await;
    chromium.set_viewport(320, 720).await;
    let mut problems = Vec::new();
    for language in LANGUAGES {
        tour(&site, &chromium, language, &mut async |stop: &Stop| {
            let place = format!("{} [{}] {}", stop.name, stop.language, chromium.url().await);
            problems.extend(
                narrow_screen_problems(&chromium, stop.primary)
                    .await
                    .into_iter()
                    .map(|problem| format!("{place}: {problem}")),
            );
        })
        .await;
    }
    chromium.quit().await;
    assert!(
        problems.is_empty(),
        "pages that do not fit 320 px:\n{}",
        problems.join("\n")
    );
}

/// What makes the page unusable at its current width: a horizontal scroll bar, controls
/// drawn past either edge or squeezed too small, a main action that is missing or cut off.
async fn narrow_screen_problems(chromium: &Chromium, primary: Option<&str>) -> Vec<String> {
    // `clientWidth` leaves out a vertical scroll bar, so content that slides under it counts.
    let measured = chromium
        .script(
            "const root = document.documentElement;
             const width = root.clientWidth;
             const describe = (element) => element.outerHTML.slice(0, 120);
             const isDrawn = (element) => element.getClientRects().length > 0;
             const isInside = (element) => {
               const box = element.getBoundingClientRect();
               return box.left >= -0.5 && box.right <= width + 0.5;
             };
             const controls = [...document.querySelectorAll(
               'main button, main input:not([type=hidden]), main select, main textarea, main a, main img, main code'
             )].filter(isDrawn);
             const size = (element) => element.getBoundingClientRect();
             // A field narrower than a short word cannot show what is typed in it; 24 px
             // is WCAG 2.2's least target size (success criterion 2.5.8).
             const cramped = [...document.querySelectorAll(
               'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea'
             )].filter(isDrawn).filter((field) => size(field).width < 96 || size(field).height < 24)
               .concat([...document.querySelectorAll('main button, main .button')].filter(isDrawn)
                 .filter((button) => size(button).width < 24 || size(button).height < 24));
             const primary = arguments[0] === null ? null : document.querySelector(arguments[0]);
             return {
               scrollWidth: root.scrollWidth,
               width,
               outside: controls.filter((element) => !isInside(element)).map(describe),
               cramped: cramped.map((element) => `${Math.round(size(element).width)}×${Math.round(size(element).height)} px ${describe(element)}`),
               primary: primary === null ? null : {
                 drawn: isDrawn(primary),
                 inside: isInside(primary),
                 html: describe(primary),
               },
             };",
            json!([primary]),
        )
        .await;
    let mut problems = Vec::new();
    let (scroll_width, width) = (&measured["scrollWidth"], &measured["width"]);
    if scroll_width.as_f64() > width.as_f64() {
        problems.push(format!(
            "scrolls sideways: {scroll_width} px of content in {width} px"
        ));
    }
    for element in measured["outside"].as_array().into_iter().flatten() {
        problems.push(format!("drawn past the edge: {element}"));
    }
    for element in measured["cramped"].as_array().into_iter().flatten() {
        problems.push(format!("too small to use: {element}"));
    }
    if let Some(selector) = primary {
        let button = &measured["primary"];
        if button.is_null() || button["drawn"] != json!(true) {
            problems.push(format!("no visible main action {selector}"));
        } else if button["inside"] != json!(true) {
            problems.push(format!("main action cut off: {}", button["html"]));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyboard_alone_signs_in() {
    let Some(installation) = installation() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await;
    app.create_user(EMAIL, PASSWORD).await;
    let chromium = Chromium::start(&installation).await;

    // Signed out, /account asks for a sign-in and comes back to itself. The page puts the
    // focus in the first field; no click ever moves it.
    chromium.open(&app.url("/account")).await;
    chromium.wait_for_url(&app.url("/login?return_to=")).await;
    chromium.wait_for_focus("#email").await;
    chromium.press_keys(EMAIL).await;
    chromium.press_keys(TAB).await;
    chromium.wait_for_focus("#password").await;
    chromium.press_keys(PASSWORD).await;
    // On past "keep me signed in" to the button, in the order the form reads.
    chromium.press_keys(TAB).await;
    chromium.wait_for_focus("#remember_me").await;
    chromium.press_keys(TAB).await;
    chromium.wait_for_focus(SIGN_IN_BUTTON).await;
    chromium.press_keys(ENTER).await;
    let landed = chromium.wait_for_url(&app.url("/account")).await;
    assert_eq!(landed, app.url("/account"));
    chromium.wait_for_text(EMAIL).await;

    // Without autofocus, the first Tab reaches the skip link, shown once it has the focus,
    // and Enter on it takes the focus past the header to the page's content.
    chromium.press_keys(TAB).await;
    chromium.wait_for_focus(".skip-link").await;
    let drawn = chromium
        .script(
            "const box = document.activeElement.getBoundingClientRect();
             return box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.width > 0;",
            json!([]),
        )
        .await;
    assert_eq!(drawn, json!(true), "the focused skip link is off screen");
    chromium.press_keys(ENTER).await;
    chromium.wait_for_url(&app.url("/account#main")).await;
    chromium.press_keys(TAB).await;
    chromium.wait_for_focus("main *").await;
    chromium.quit().await;
}

/// Saves what the page shows at desktop and phone widths, as `<name>-desktop.png` and
/// `<name>-phone.png` in `target/screenshots`, for a person to look at. The window is left
/// at the phone's size.
pub(crate) async fn photograph(chromium: &Chromium, name: &str) {
    let folder = gatehouse_tests::npm::target_directory().join("screenshots");
    std::fs::create_dir_all(&folder).expect("the screenshots folder");
    for (size, width, height) in [("desktop", 1280, 800), ("phone", 390, 844)] {
        chromium.set_viewport(width, height).await;
        let png = chromium.screenshot().await;
        assert_eq!(
            &png[..8],
            b"\x89PNG\r\n\x1a\n",
            "{name}-{size} is not a PNG"
        );
        let drawn_width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
        assert_eq!(drawn_width, width, "{name}-{size} has the wrong width");
        let path = folder.join(format!("{name}-{size}.png"));
        std::fs::write(&path, png).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_main_pages_at_desktop_and_phone_widths() {
    let Some(installation) = installation() else {
        return;
    };
    let site = Site::start().await;
    let chromium = Chromium::start(&installation).await;

    chromium.open(&site.url("/login?lang=en")).await;
    arrive(&site, &chromium, "en", "/login").await;
    photograph(&chromium, "sign-in").await;
    chromium.type_into("#email", TOTP_EMAIL).await;
    chromium.type_into("#password", PASSWORD).await;
    chromium.click(SIGN_IN_BUTTON).await;
    arrive(&site, &chromium, "en", "/mfa?").await;
    photograph(&chromium, "mfa").await;
    chromium.type_into("#code", &site.totp_code()).await;
    chromium
        .click("form[action='/mfa'] button[type=submit]")
        .await;
    chromium.wait_for_text(TOTP_EMAIL).await;
    chromium.open(&site.url("/account")).await;
    arrive(&site, &chromium, "en", "/account").await;
    chromium.wait_for_text(TOTP_EMAIL).await;
    photograph(&chromium, "account").await;
    chromium.quit().await;
}
