# Gatehouse hosted pages: English (the reference catalogue; every other language mirrors its keys).

language-name = English
language-switcher = Language
skip-to-content = Skip to content

## Sign-in
login-title = Sign in
login-subtitle-client = to continue to { $client }
login-subtitle = Sign in to your account
login-email = E-mail
login-password = Password
login-remember-me = Remember me
login-remember-me-hint = Stay signed in on this device. Don't use this on a shared computer.
login-submit = Sign in
login-error-invalid = The e-mail or password is incorrect.
login-error-missing = Enter your e-mail and password.
login-error-throttled = Too many attempts. Please wait { $seconds } seconds and try again.
login-switch-account = Not you? Use another account.

## Account selection
select-title = Choose an account
select-subtitle = to continue to { $client }
select-continue = Continue as { $email }
select-other = Use another account

## Consent
consent-title = { $client } wants to access your account
consent-signed-in-as = Signed in as { $email }
consent-intro = { $client } is asking to:
consent-allow = Allow
consent-deny = Cancel
consent-footnote = You can change your mind later; { $client } will only get what you allow here.
scope-openid = Confirm who you are
scope-profile = See your name and basic profile
scope-email = See your e-mail address
scope-phone = See your phone number
scope-offline_access = Stay connected to your account when you are not using it
scope-other = Use the permission “{ $scope }”

## Sign-out
logout-title = Sign out
logout-question = Do you want to sign out of { $product }?
logout-confirm = Sign out
logout-cancel = Stay signed in
logged-out-title = You have signed out
logged-out-body = You have been signed out of { $product }. You can close this window.

## Signed-in landing page
home-title = Your account
home-signed-in-as = You are signed in as { $email }.
home-signed-out = You are not signed in.
home-sign-in = Sign in
home-sign-out = Sign out

## Errors
error-title = Something went wrong
error-heading-request = This request cannot be completed
error-what-now = Return to the application you came from and try again. If this keeps happening, contact its support team.
error-missing-client-id = The request does not say which application is asking to sign you in.
error-unknown-client = The application that sent you here is not registered with { $product }.
error-missing-redirect-uri = The request does not say where to return after signing in.
error-unregistered-redirect-uri = The return address in the request is not registered for this application, so we will not send you there.
error-duplicated-parameter = The request repeats a parameter and cannot be trusted.
error-csrf = This form has expired or was sent from another page. Go back, reload the page and try again.
error-flow-expired = This sign-in request has expired or was already completed. Return to the application and start again.
error-internal = An unexpected error occurred on our side. Please try again in a moment.
error-not-found = This page does not exist.
error-bad-request = The request is not valid.
error-logout-redirect = The address to return to after signing out is not registered for this application.
error-logout-hint = The sign-out request refers to a sign-in we cannot verify.
error-rate-limited = Too many requests. Please wait a moment and try again.

## Sign-in names, studios and devices
login-error-malformed = Enter your e-mail address, or your user name and licence number as user@licence.
login-error-unknown-studio = There is no studio or licence with that name. Check the part after the @.
studio-picker-title = Choose a studio
studio-picker-subtitle = { $email } belongs to several studios. Which one do you want to use with { $client }?
studio-current = current
error-studio-unknown = The application asked for a studio that does not exist.
error-studio-not-member = Your account is not a member of the studio this sign-in is for. Ask the studio's administrator to add you, or sign in with another account.
error-studio-none = Your account does not belong to any studio this application accepts, so you cannot use it. Ask your studio's administrator for access.
error-device-limit = Your account is already registered on as many devices as it allows, so it cannot be used on this device. Ask your studio's administrator or customer support to remove a device you no longer use, then try again.
error-not-permitted = You do not have permission to do this.

## Account page
account-title = Your account
account-studio = Studio
account-studio-current = You are working in { $studio }.
account-switch-to = Switch to { $studio }
account-manage-studio = Manage members and devices of { $studio }
account-devices = Devices
account-this-device = this device
account-last-seen = Last used { $when }
account-remove = Remove
account-sessions = Sessions
account-this-session = this session
account-started = Signed in { $when }
account-end-session = End
account-change-password = Change password
account-current-password = Current password
account-new-password = New password
account-confirm-password = New password (again)
account-notice-device-removed = The device was removed and signed out everywhere.
account-notice-session-ended = The session was ended.
account-notice-studio-switched = You are now working in another studio.
account-notice-password-changed = Your password was changed. Other sessions and apps have been signed out.
account-error-current-password = The current password is incorrect.
account-error-password-mismatch = The new passwords do not match.
account-error-password-short = The new password must have at least { $min } characters.
account-error-password-long = The new password can have at most { $max } characters.
members-title = Members of { $studio }
members-subtitle = Remove a device a member no longer uses; it is signed out at once.
members-roles = Roles: { $roles }
members-no-devices = No registered devices.
members-back = Back to your account
home-account = Your account
