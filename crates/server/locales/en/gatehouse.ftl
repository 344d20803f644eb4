# Gatehouse hosted pages: English (the reference catalogue; every other language mirrors its keys).

language-name = English
language-switcher = Language
skip-to-content = Skip to content

## Sign-in
login-title = Sign in
login-subtitle-client = to continue to { $client }
login-subtitle = Sign in to your account
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
error-invalid-request-object = The application sent a signed sign-in request that could not be verified. Return to the application and try again.
error-csrf = This form has expired or was sent from another page. Go back, reload the page and try again.
error-flow-expired = This sign-in request has expired or was already completed. Return to the application and start again.
error-internal = An unexpected error occurred on our side. Please try again in a moment.
error-unavailable = Sign-in is briefly unavailable on our side. Please try again in a moment.
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
error-studio-fapi = This studio admits sign-ins only from applications that meet its security profile (FAPI 2.0), and this application does not. Use an application your studio approved, or ask its administrator.
error-device-limit = Your account is already registered on as many devices as it allows, so it cannot be used on this device. Ask your studio's administrator or customer support to remove a device you no longer use, then try again.
error-not-permitted = You do not have permission to do this.
error-too-large = The request is too large. Shorten what you typed and try again.

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
members-title = Members of { $studio }
members-subtitle = Remove a device a member no longer uses; it is signed out at once.
members-roles = Roles: { $roles }
members-no-devices = No registered devices.
members-back = Back to your account
home-account = Your account

## Sign-in links and account states
login-identifier = E-mail or user name@licence
login-forgot-password = Forgot your password?
login-forgot-username = Forgot your user name?
login-register = Create an account
login-error-unconfirmed = Confirm your e-mail address first: open the link we sent you when you registered.
login-error-awaiting-approval = Your registration is waiting for approval by the studio's administrator. We will e-mail you when it is approved.

## Form fields
field-name = Full name
field-email = E-mail
field-phone = Phone number
field-phone-optional = Phone number (optional)
field-phone-hint = In international form, for example +358 40 123 4567.
field-country = Country
field-city = City
field-company = Company
field-job-title = Job title
field-trade-name = Trade name
field-date-of-birth = Date of birth
field-error-required = Please fill in this field: { $field }.
field-error-too-long = This field is too long: { $field }.
field-error-invalid = This field contains characters that are not allowed: { $field }.
field-error-email = Enter a valid e-mail address, for example name@example.com.
field-error-phone = Enter the phone number in international form, for example +358 40 123 4567.
field-error-date = Enter the date of birth as YYYY-MM-DD.
field-error-password-mismatch = The two passwords do not match.

## Password rules
password-rules-summary = At least { $min } characters.
password-rule-too-short = The password must have at least { $min } characters.
password-rule-too-long = The password can have at most { $max } characters.
password-rule-lowercase = The password must contain a lower-case letter.
password-rule-uppercase = The password must contain an upper-case letter.
password-rule-digit = The password must contain a digit.
password-rule-symbol = The password must contain a special character, such as ! or #.
password-rule-personal = The password must not contain your name or e-mail address.
password-rule-common = This password is too common and easy to guess. Choose another one.
password-rule-reused = You have used this password recently. Choose one you have not used for your last { $count } passwords.

## Registration
register-title = Create an account
register-subtitle = Fill in your details. Your e-mail address will be your user name.
register-subtitle-studio = Create your account for { $studio }. Your e-mail address will be your user name.
register-email-hint = We will send a confirmation link to this address.
register-submit = Create account
register-have-account = Already have an account? Sign in.
register-closed = Registration is not open here. Ask the organisation that invited you for an account.
register-check-email-title = Check your e-mail
register-check-email-body = We have sent a message to { $email }. Open the link in it to confirm your address and finish creating your account. If you don't see it, check your spam folder.
register-confirmed-title = Your e-mail address is confirmed
register-confirmed-body = Your account is ready. You can now sign in.
register-awaiting-title = Your e-mail address is confirmed
register-awaiting-body = Your registration is now waiting for approval by the studio's administrator. We will e-mail you as soon as it is approved.
register-confirm-title = Confirm your e-mail address
register-confirm-intro = Press the button to confirm your e-mail address and finish creating your account.
register-confirm-submit = Confirm my e-mail address
link-invalid-title = This link is no longer valid
link-invalid-body = The link has already been used or has expired. Start again to get a new one.

## Activation
activate-title = Activate your account
activate-intro = Choose a password to activate your account. You can also correct your e-mail address and add a phone number for password recovery.
activate-username = Your user name: { $username }
activate-email-hint = If you change it, we will send a code to the new address to confirm it.
activate-submit = Activate account
activate-done-title = Your account is active
activate-done-body = You can now sign in with your user name and new password.
activate-done-confirm-email = We sent a code to { $email }. Sign in and enter it on your account page to confirm the new address.

## Forgotten password and user name
forgot-password-title = Reset your password
forgot-password-intro = Enter your e-mail address, or your user name and licence as user@licence, and choose how to receive the reset code.
forgot-password-identifier = E-mail or user name@licence
forgot-password-channel = Send the code by
forgot-password-by-email = E-mail
forgot-password-by-sms = Text message (SMS)
forgot-password-submit = Send
forgot-spam-hint = If you don't receive the message, check your spam folder.
forgot-password-code-title = Enter the code
forgot-password-code-intro-email = If an account matches, we have sent a six-digit code and a reset link to its e-mail address. Enter the code here, or open the link.
forgot-password-code-intro-sms = If an account matches and has a verified phone number, we have sent a six-digit code to it by text message.
reset-title = Choose a new password
reset-intro = Your new password signs you out everywhere, including apps on your phone.
reset-submit = Change password
reset-done-title = Your password has been changed
reset-done-body = You have been signed out everywhere. Sign in with your new password.
forgot-username-title = Forgot your user name?
forgot-username-intro = Enter the e-mail address or phone number linked to your account and we will send you your user names.
forgot-username-contact = E-mail or phone number
forgot-username-sent-title = Check your messages
forgot-username-sent-body = If that e-mail address or phone number is linked to an account, we have sent the user names to it.

## Codes
code-label = Code
code-submit = Confirm
code-start-over = Send a new code
code-error-wrong = The code is not correct. Check it and try again.
code-error-expired = The code has expired or has already been used. Ask for a new one.
code-error-too-many = Too many wrong codes. Ask for a new one.
code-error-too-many-sent = Too many codes have been sent to this address recently. Try again in an hour.
code-error-too-many-today = You have asked for too many codes today. Try again tomorrow.

## Account page additions
account-profile = Profile
account-save = Save
account-unverified = not verified
account-no-phone = No phone number yet.
account-new-email = New e-mail address
account-new-phone = New phone number
account-send-code = Send confirmation code
account-language = Language
account-email-code-title = Confirm your new e-mail address
account-email-code-intro = We have sent a six-digit code to the new address. The change takes effect when you enter it.
account-phone-code-title = Confirm your phone number
account-phone-code-intro = We have sent a six-digit code to the phone number by text message.
account-notice-profile-saved = Your profile was saved.
account-notice-email-changed = Your e-mail address was changed.
account-notice-phone-changed = Your phone number was confirmed.
account-notice-language-saved = Your language was saved.
account-notice-code-sent = We have sent a confirmation code. Enter it below to complete the change.
account-pending-code = Enter the code we sent to { $target }

## Expired password
expired-title = Your password has expired
expired-intro = Your organisation requires a new password from time to time. Choose a new one to continue.

## Closing and reopening
close-title = Close my account
close-warning = Closing your account signs you out everywhere and disconnects every application. If you sign in again within { $days } days, your account is reopened. After that, all your data is deleted permanently and cannot be recovered.
close-acknowledge = I have carefully read and accept the warnings above.
close-submit = Delete my account and all my data
close-error-acknowledge = Tick the box to confirm that you have read the warnings.
closed-title = Your account is closed
closed-body = Your account has been closed and you have been signed out. You can reopen it by signing in within { $days } days.
reactivate-title = Reopen your account?
reactivate-body = Your account is closed and will be deleted permanently on { $date }. Do you want to reopen it? Applications you used will need to be connected again.
reactivate-confirm = Reopen my account
reactivate-cancel = Keep it closed

## Studio admin: approvals
members-pending = Waiting for approval
members-approve = Approve
members-notice-approved = The registration was approved and the user has been told.

## Two-step verification
factor-totp = Authenticator app
factor-passkey = Passkey
factor-email_otp = Code by e-mail
factor-sms_otp = Code by text message
factor-recovery_code = Recovery code
mfa-title = Two-step verification
mfa-subtitle = Your password was right. Now confirm it is you with your second step.
mfa-subtitle-step-up = This application asks you to confirm it is you with your second step.
mfa-label-totp = Six-digit code from your authenticator app
mfa-label-recovery = One of your recovery codes
mfa-label-sent = Six-digit code we sent to { $target }
mfa-intro-passkey = Use the passkey on this device or your security key. Your device may ask for your fingerprint, face or PIN.
mfa-use-passkey = Use my passkey
mfa-remember-device = Don't ask again on this device for { $days } days
mfa-remember-device-hint = Only on a device you alone use.
mfa-send-again = Send a new code
mfa-other-methods = Use another method
mfa-lost-factor = No access to your authenticator?
mfa-code-sent = We have sent a six-digit code to { $target }.
mfa-error-wrong-code = The code is not correct. Check it and try again.
mfa-error-code-expired = The code has expired or has already been used. Send a new one.
mfa-error-no-target = There is no confirmed address or phone number to send a code to.
mfa-error-passkey = The passkey could not be used. Try again, or use another method.
mfa-setup-title = Set up two-step verification
mfa-setup-intro = Your organisation requires a second step when you sign in. Choose how you want to confirm it is you; you can add more methods later on your account page.
mfa-help-title = No access to your authenticator?
mfa-help-intro = If you lost your phone or security key, an administrator of your studio can turn off two-step verification for you, so that you can sign in with your password and set it up again.
mfa-help-recovery = If you kept your recovery codes, you can use one of them instead.
mfa-help-submit = Ask my studio's administrators for help
mfa-use-recovery = Use a recovery code
mfa-help-sent-title = Your request has been sent
mfa-help-sent = If your account belongs to a studio, its administrators have been asked to help you and will contact you. If you don't hear from them, contact your organisation's support.
mfa-help-back = Back to sign-in
mfa-none-usable = None of your two-step verification methods can be used right now, so you cannot finish signing in here. Ask your studio's administrators for help below, or contact your organisation's support.
passkey-unsupported = This browser cannot use passkeys. Use another method or another browser.
login-with-passkey = Sign in with a passkey
login-error-passkey = The passkey could not be used to sign in. Try again, or sign in with your password.
totp-title = Set up your authenticator app
totp-step-install = Install an authenticator app on your phone, such as Google Authenticator or Microsoft Authenticator.
totp-step-scan = In the app, add an account and scan this QR code.
totp-step-code = Enter the six-digit code the app shows. Finish within { $minutes } minutes.
totp-qr-alt = QR code to add this account to your authenticator app
totp-manual = Can't scan it? Enter this key in the app instead:
totp-open-app = Open in the authenticator app on this device
totp-confirm = Turn on
recovery-title = Recovery codes
recovery-intro = Keep these codes somewhere safe, for example printed or in a password manager. Each one lets you sign in once if you lose access to your second step.
recovery-once = They are shown only now. You can make new ones on your account page at any time.
recovery-continue = I have saved my codes
security-title = Two-step verification
security-intro = A second step after your password keeps your account safe even if someone learns your password.
security-required = Your organisation requires two-step verification. Add a method now.
security-locked = To change these settings, first confirm it is you with your second step.
security-unlock = Confirm it is me
security-your-factors = Your methods
security-none = You have not set up two-step verification yet.
security-added = Added { $when }
security-rename = Rename
security-new-name = New name
security-recovery-left = You have { $count } unused recovery codes left.
security-new-recovery-codes = Make new recovery codes
security-add = Add a method
security-hint-totp = Codes from an app on your phone. Works without a network connection.
security-hint-passkey = Your fingerprint, face, screen lock or a security key. Also lets you sign in without a password.
security-hint-code = A code sent to { $target } each time you sign in.
security-add-totp = Set up an authenticator app
security-add-passkey = Create a passkey
security-add-code = Send a code to confirm
security-passkey-name = Name of the passkey (optional)
security-passkey-name-example = For example: work laptop
security-code-setup-intro = We have sent a six-digit code to { $target }. Enter it to turn this method on.
security-notice-factor-added = The method was added.
security-notice-factor-removed = The method was removed.
security-notice-factor-renamed = The name was saved.
security-notice-last-required = Your organisation requires two-step verification, so you cannot remove your last method. Add another one first.
security-throttled-title = Please wait a moment
security-lapsed-title = Time ran out
security-lapsed = The set-up was not finished in time, or the code was used already. Start again.
security-start-again = Start again
security-passkey-refused-title = The passkey was not added
security-passkey-refused = The passkey could not be created or was already registered. Try again.
security-back = Back to your account
account-mfa-on = Two-step verification is on.
account-mfa-off = Two-step verification is off.
account-manage-security = Two-step verification settings
members-mfa-on = Two-step verification on
members-mfa-off = Two-step verification off
members-reset-reason = Reason (saved in the audit log and sent to the member)
members-reset-mfa = Turn off two-step verification
members-reset-reason-required = Give a reason for turning off the member's two-step verification.
members-notice-mfa-reset = Two-step verification was turned off and the member has been told.
members-reset-shared-member = This member also belongs to another studio that keeps resets of two-step verification to its own members. Ask your organisation's administrators to do it.
members-reset-too-many = This studio has turned off two-step verification for as many members today as it may. Try again tomorrow, or ask your organisation's administrators.

## E-mail and SMS messages
mail-greeting = Hello,
mail-greeting-name = Hello { $name },
mail-footer = This message was sent by { $product }. If you did not expect it, you can ignore it; nothing changes unless you act on it.
mail-confirm_registration-subject = Confirm your e-mail address
mail-confirm_registration-body = Thank you for registering with { $product }. Confirm your e-mail address to finish creating your account. The link is valid for { $days } days.
mail-confirm_registration-action = Confirm my e-mail address
mail-already_registered-subject = You already have an account
mail-already_registered-body = Someone tried to create an account or use this e-mail address with { $product }, but an account with this address already exists. If it was you, sign in, or reset your password if you have forgotten it. If it was not you, you don't need to do anything.
mail-already_registered-action = Reset my password
mail-registration_approved-subject = Your registration has been approved
mail-registration_approved-body = Your registration with { $studio } has been approved. You can now sign in.
mail-registration_approved-action = Sign in
mail-activation-subject = Activate your account
mail-activation-body =
    An account has been created for you. Your user name is: { $username }

    Open the link to choose your password. You can also check your e-mail address and add a phone number there. The link is valid for { $days } days.
mail-activation-action = Activate my account
mail-password_reset-subject = Reset your password
mail-password_reset-body =
    We received a request to reset your password. Enter this code on the reset page, or open the link below. The code is valid for { $minutes } minutes.

    If you did not ask to reset your password, ignore this message; your password stays the same.
mail-password_reset-action = Choose a new password
mail-password_changed-subject = Your password was changed
mail-password_changed-body = The password of your account was just changed, and you have been signed out of your other devices and apps. If you did not do this, reset your password at once and contact support.
mail-usernames-subject = Your user names
mail-usernames-body =
    These are the user names linked to this address:

    { $usernames }
mail-usernames-action = Sign in
mail-email_change_code-subject = Confirm your new e-mail address
mail-email_change_code-body = Enter this code on your account page to confirm your new e-mail address. It is valid for { $minutes } minutes.
mail-email_changed-subject = Your e-mail address was changed
mail-email_changed-body = The e-mail address of your account was changed to { $email }. If you did not do this, undo the change with the button below within 72 hours: you will be signed out everywhere and can then choose a new password.
mail-account_closed-subject = Your account has been closed
mail-account_closed-body = Your account has been closed. If you sign in again within { $days } days, it will be reopened. After that, your data will be deleted permanently.
mail-account_reactivated-subject = Your account has been reopened
mail-account_reactivated-body = Welcome back. Your account has been reopened. Applications you used before need to be connected again.
sms-password_reset_sms = Your { $product } password reset code is { $code }. It expires in { $minutes } minutes. Do not share it.
sms-usernames_sms = Your { $product } user names: { $usernames }
sms-phone_code = Your { $product } confirmation code is { $code }. It expires in { $minutes } minutes.
mail-mfa_code-subject = Your sign-in code
mail-mfa_code-body = Your code to finish signing in is below. It is valid for { $minutes } minutes. If you did not try to sign in, someone may know your password: change it at once.
mail-mfa_added-subject = A sign-in method was added to your account
mail-mfa_added-body = { $factor } was added to the two-step verification of your account. If you did not do this, change your password at once and contact support.
mail-mfa_added-action = Review your sign-in methods
mail-mfa_removed-subject = A sign-in method was removed from your account
mail-mfa_removed-body = { $factor } was removed from the two-step verification of your account. If you did not do this, change your password at once and contact support.
mail-mfa_removed-action = Review your sign-in methods
mail-mfa_reset-subject = Two-step verification was turned off
mail-mfa_reset-body =
    An administrator turned off two-step verification for your account. The reason given: { $reason }

    Sign in with your password and set up two-step verification again. If you did not ask for this, contact support at once.
mail-mfa_reset-action = Set it up again
mail-mfa_help_request-subject = A member asks for help with two-step verification
mail-mfa_help_request-body = { $member } cannot complete two-step verification for { $studio } and asks for help. Check that the request really comes from them, then turn off their two-step verification on the members page; they can then set it up again.
mail-mfa_help_request-action = Open the members page
mail-recovery_code_used-subject = A recovery code was used
mail-recovery_code_used-body = A recovery code was just used to sign in to your account. You have { $remaining } unused codes left. If this was not you, change your password at once and contact support.
mail-recovery_code_used-action = Review your sign-in methods
mail-email_changed-action = Undo this change
mail-phone_changed-subject = Your phone number was changed
mail-phone_changed-body = The phone number of your account was changed to { $phone }. If you did not do this, change your password at once and contact support.
mail-mfa_reset_elsewhere-subject = Two-step verification of a member was turned off
mail-mfa_reset_elsewhere-body = An administrator of { $acting_studio } turned off two-step verification for { $member }, who is also a member of { $studio }. The reason given: { $reason }. If this was not expected, check with the member.
mail-registration_rejected-subject = Your registration was not approved
mail-registration_rejected-body = Your registration with { $studio } was not approved, and the account you started has been deleted. If you think this is a mistake, contact the studio.
sms-mfa_code_sms = Your { $product } sign-in code is { $code }. It expires in { $minutes } minutes. Do not share it.
sms-error-budget = We cannot send text messages right now. Try again in an hour, or use e-mail instead.
email-undo-title = Undo the e-mail address change
email-undo-intro = The e-mail address of your account was changed away from this address. If you did not do this, change it back: you will be signed out everywhere, and you can then choose a new password.
email-undo-submit = Change it back
email-undo-done-title = Your e-mail address is back
email-undo-done-body = Your account uses { $email } again, and every session and app has been signed out. If you did not make the change, choose a new password now.
reauth-title = Confirm it is you
reauth-intro = This change protects your account, so we need to check that it is really you first.
reauth-password = Your password
reauth-submit = Continue
reauth-code = Or a six-digit code from your authenticator app
reauth-submit-code = Continue with the code
reauth-cancel = Cancel
reauth-pending-email = After that we will send a code to { $email }.
reauth-pending-phone = After that we will send a code to { $phone }.
login-or = or
login-providers = Other ways to sign in
login-with-provider = Continue with { $provider }
login-subtitle-studio = Sign in to { $studio }
upstream-error-title = Sign-in did not complete
upstream-error-unknown = This way of signing in is not available.
upstream-error-not-allowed = This way of signing in is not offered for this studio.
upstream-error-expired = This sign-in has expired or was already used. Start again from the sign-in page.
upstream-error-denied = The sign-in was cancelled at the provider, or the provider refused access.
upstream-error-unavailable = The provider could not be reached or did not accept our request. Try again in a moment, or sign in another way.
upstream-error-invalid = The provider's answer did not pass our security checks, so it was not accepted. Start again from the sign-in page.
upstream-error-unverified = The provider has not verified your e-mail address. Verify it with the provider, or sign in with your password.
upstream-error-no-account = No account uses this e-mail address, and new accounts cannot be created this way here. Register first, or ask your studio's administrator.
upstream-error-unusable = This account cannot sign in at the moment.
upstream-back-to-login = Back to sign-in
upstream-link-title = Link your { $provider } sign-in
upstream-link-intro = An account with { $email } already exists. To sign in with { $provider } from now on, confirm that the account is yours.
upstream-link-password = Your Gatehouse password
upstream-link-send-code = E-mail me a code instead
upstream-link-code-sent = We sent a code to { $email }.
upstream-link-code = Code from the e-mail
upstream-link-confirm = Link and sign in
upstream-link-wrong-password = That password is not right.
account-linked-providers = Linked sign-in providers
account-linked-since = Linked { $when }
account-unlink = Unlink
account-no-linked-providers = No sign-in provider is linked to your account.
account-notice-provider-unlinked = The provider is no longer linked to your account.
account-error-last-way-in = This is your only way to sign in. Set a password or add a passkey before you unlink it.
mail-upstream_link-subject = Your code to link { $provider }
mail-upstream_link-body = Someone, hopefully you, asked to sign in to your account with { $provider }. Enter the code below to link it; it is valid for { $minutes } minutes. If this was not you, ignore this message: nothing changes without the code.
scope-address = See your city and country
scope-gatehouse-profile = See your company, trade name and job title
account-connected-apps = Connected applications
account-app-since = Connected { $since } · last used { $used }
account-disconnect = Remove access
account-no-connected-apps = No application has access to your account.
account-notice-app-disconnected = The application no longer has access to your account. It will ask you to sign in again.
login-returned-password-changed = Your password has been changed and you have been signed out everywhere. Sign in with your new password to continue.
login-returned-registered = Your e-mail address is confirmed and your account is ready. Sign in to continue.
login-returned-usernames-sent = If that e-mail address or phone number is linked to an account, we have sent the user names to it. Sign in to continue.
device-swap-title = Use this device instead?
device-swap-intro = Your account is already registered on as many devices as it allows. You can replace the device you used least recently with this one.
device-swap-last-used = Last used { $time }
device-swap-replaced = Will be replaced
device-swap-consequence = The replaced device is signed out at once and its apps lose access. To make sure it is you, we send a code to your verified e-mail address or phone. An account can replace a device { $count } times a month this way.
device-swap-channel = Send the code
device-swap-by-email = By e-mail to { $target }
device-swap-by-sms = By text message to { $target }
device-swap-send = Send the code
device-swap-resend = Send a new code
device-swap-code-intro = We sent a code to { $target }. Enter it to replace the device.
device-swap-submit = Replace the device and sign in
device-swap-no-target = Your account has no verified e-mail address or phone to send a code to. Ask your studio's administrator or customer support to remove a device you no longer use.
device-swap-monthly-limit = This account has already replaced a device { $count } times this month. Ask your studio's administrator or customer support to remove a device you no longer use.
mail-device_swap_code-subject = Your code to replace a device
mail-device_swap_code-body = Someone who knows your password wants to use your account on a new device in place of one you registered before. If that is you, enter the code below; it is valid for { $minutes } minutes. If it is not you, do not share the code, and change your password at once.
sms-device_swap_code_sms = Your { $product } code to replace a device is { $code }. It expires in { $minutes } minutes. Do not share it.
mail-device_swapped-subject = A device of your account was replaced
mail-device_swapped-body = Your account is now registered on { $new_device } in place of { $old_device }, which has been signed out. If you did not do this, change your password at once and contact your studio's administrator.
mail-device_swapped_admin-subject = A member replaced a registered device
mail-device_swapped_admin-body = { $member } replaced the registered device { $old_device } with { $new_device } for { $studio }, after confirming a code sent to their verified contact details. If this looks wrong, check the member's devices on the members page.
mail-device_swapped_admin-action = Open the members page
