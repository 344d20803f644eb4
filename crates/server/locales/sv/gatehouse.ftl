# Gatehouse hosted pages: Swedish (Svenska).

language-name = Svenska
language-switcher = Språk
skip-to-content = Hoppa till innehållet

## Sign-in
login-title = Logga in
login-subtitle-client = för att fortsätta till { $client }
login-subtitle = Logga in på ditt konto
login-password = Lösenord
login-remember-me = Kom ihåg mig
login-remember-me-hint = Förbli inloggad på den här enheten. Använd inte funktionen på en delad dator.
login-submit = Logga in
login-error-invalid = E-postadressen eller lösenordet är felaktigt.
login-error-missing = Ange din e-postadress och ditt lösenord.
login-error-throttled = För många försök. Vänta { $seconds } sekunder och försök igen.
login-switch-account = Inte du? Använd ett annat konto.

## Account selection
select-title = Välj konto
select-subtitle = för att fortsätta till { $client }
select-continue = Fortsätt som { $email }
select-other = Använd ett annat konto

## Consent
consent-title = { $client } vill få åtkomst till ditt konto
consent-signed-in-as = Inloggad som { $email }
consent-intro = { $client } begär att få:
consent-allow = Tillåt
consent-deny = Avbryt
consent-footnote = Du kan ändra dig senare. { $client } får bara tillgång till det du tillåter här.
scope-openid = Bekräfta vem du är
scope-profile = Se ditt namn och din grundläggande profil
scope-email = Se din e-postadress
scope-phone = Se ditt telefonnummer
scope-offline_access = Behålla anslutningen till ditt konto även när du inte använder tjänsten
scope-other = Använda behörigheten ”{ $scope }”

## Sign-out
logout-title = Logga ut
logout-question = Vill du logga ut från { $product }?
logout-confirm = Logga ut
logout-cancel = Förbli inloggad
logged-out-title = Du har loggats ut
logged-out-body = Du har loggats ut från { $product }. Du kan nu stänga det här fönstret.

## Signed-in landing page
home-title = Mitt konto
home-signed-in-as = Du är inloggad som { $email }.
home-signed-out = Du är inte inloggad.
home-sign-in = Logga in
home-sign-out = Logga ut

## Errors
error-title = Något gick fel
error-heading-request = Begäran kan inte slutföras
error-what-now = Gå tillbaka till applikationen du kom från och försök igen. Kontakta applikationens support om problemet kvarstår.
error-missing-client-id = Det framgår inte av begäran vilken applikation som vill logga in dig.
error-unknown-client = Applikationen som skickade dig hit är inte registrerad i { $product }.
error-missing-redirect-uri = Det framgår inte av begäran vart du ska skickas efter inloggningen.
error-unregistered-redirect-uri = Returadressen i begäran är inte registrerad för den här applikationen, så vi skickar dig inte dit.
error-duplicated-parameter = Begäran innehåller samma parameter flera gånger och kan därför inte betraktas som tillförlitlig.
error-invalid-request-object = Applikationen skickade en signerad inloggningsbegäran som inte kunde verifieras. Gå tillbaka till applikationen och försök igen.
error-csrf = Formuläret har gått ut eller skickades från en annan sida. Gå tillbaka, ladda om sidan och försök igen.
error-flow-expired = Inloggningsbegäran har gått ut eller har redan slutförts. Gå tillbaka till applikationen och börja om.
error-internal = Ett oväntat fel uppstod hos oss. Försök igen om en stund.
error-unavailable = Inloggningen är tillfälligt otillgänglig. Försök igen om en stund.
error-not-found = Sidan finns inte.
error-bad-request = Begäran är ogiltig.
error-logout-redirect = Adressen som du ska skickas till efter utloggningen är inte registrerad för den här applikationen.
error-logout-hint = Utloggningsbegäran hänvisar till en inloggning som vi inte kan verifiera.
error-rate-limited = För många förfrågningar. Vänta en stund och försök igen.

## Sign-in names, studios and devices
login-error-malformed = Ange din e-postadress, eller ditt användarnamn och licensnummer i formatet användarnamn@licensnummer.
login-error-unknown-studio = Det finns ingen studio eller licens med det namnet. Kontrollera delen efter @.
studio-picker-title = Välj studio
studio-picker-subtitle = { $email } hör till flera studior. Vilken vill du använda med { $client }?
studio-current = aktuell
error-studio-unknown = Applikationen begärde en studio som inte finns.
error-studio-not-member = Ditt konto är inte medlem i den studio som inloggningen gäller. Be studions administratör att lägga till dig, eller logga in med ett annat konto.
error-studio-none = Ditt konto hör inte till någon studio som den här applikationen godkänner, så du kan inte använda den. Be din studios administratör om åtkomst.
error-studio-fapi = Den här studion tillåter bara inloggning från applikationer som uppfyller dess säkerhetsprofil (FAPI 2.0), och den här applikationen gör inte det. Använd en applikation som din studio har godkänt, eller fråga dess administratör.
error-device-limit = Ditt konto är redan registrerat på det högsta tillåtna antalet enheter och kan därför inte användas på den här enheten. Be din studios administratör eller kundtjänst att ta bort en enhet som du inte längre använder och försök sedan igen.
error-not-permitted = Du har inte behörighet att göra detta.
error-too-large = Begäran är för stor. Korta ner det du skrev och försök igen.

## Account page
account-title = Mitt konto
account-studio = Studio
account-studio-current = Du arbetar i { $studio }.
account-switch-to = Byt till { $studio }
account-manage-studio = Hantera medlemmar och enheter i { $studio }
account-devices = Enheter
account-this-device = den här enheten
account-last-seen = Senast använd { $when }
account-remove = Ta bort
account-sessions = Sessioner
account-this-session = den här sessionen
account-started = Inloggad { $when }
account-end-session = Avsluta
account-change-password = Byt lösenord
account-current-password = Nuvarande lösenord
account-new-password = Nytt lösenord
account-confirm-password = Upprepa nytt lösenord
account-notice-device-removed = Enheten har tagits bort och loggats ut överallt.
account-notice-session-ended = Sessionen har avslutats.
account-notice-studio-switched = Du arbetar nu i en annan studio.
account-notice-password-changed = Ditt lösenord har ändrats. Andra sessioner och appar har loggats ut.
account-error-current-password = Det nuvarande lösenordet är felaktigt.
account-error-password-mismatch = De nya lösenorden stämmer inte överens.
members-title = Medlemmar i { $studio }
members-subtitle = Ta bort en enhet som en medlem inte längre använder. Enheten loggas ut direkt.
members-roles = Roller: { $roles }
members-no-devices = Inga registrerade enheter.
members-back = Tillbaka till Mitt konto
home-account = Mitt konto

## Sign-in links and account states
login-identifier = E-post eller användarnamn@licensnummer
login-forgot-password = Glömt lösenordet?
login-forgot-username = Glömt användarnamnet?
login-register = Skapa konto
login-error-unconfirmed = Bekräfta först din e-postadress genom att öppna länken som vi skickade när du registrerade dig.
login-error-awaiting-approval = Din registrering väntar på godkännande av studions administratör. Vi meddelar dig via e-post när den har godkänts.

## Form fields
field-name = Fullständigt namn
field-email = E-post
field-phone = Telefonnummer
field-phone-optional = Telefonnummer (valfritt)
field-phone-hint = I internationellt format, till exempel +358 40 123 4567.
field-country = Land
field-city = Ort
field-company = Företag
field-job-title = Befattning
field-trade-name = Firmanamn
field-date-of-birth = Födelsedatum
field-error-required = Fyll i det här fältet: { $field }.
field-error-too-long = Texten i fältet är för lång: { $field }.
field-error-invalid = Fältet innehåller otillåtna tecken: { $field }.
field-error-email = Ange en giltig e-postadress, till exempel namn@example.com.
field-error-phone = Ange telefonnumret i internationellt format, till exempel +358 40 123 4567.
field-error-date = Ange födelsedatum i formatet ÅÅÅÅ-MM-DD.
field-error-password-mismatch = Lösenorden stämmer inte överens.

## Password rules
password-rules-summary = Minst { $min } tecken.
password-rule-too-short = Lösenordet måste innehålla minst { $min } tecken.
password-rule-too-long = Lösenordet får innehålla högst { $max } tecken.
password-rule-lowercase = Lösenordet måste innehålla minst en liten bokstav.
password-rule-uppercase = Lösenordet måste innehålla minst en stor bokstav.
password-rule-digit = Lösenordet måste innehålla minst en siffra.
password-rule-symbol = Lösenordet måste innehålla minst ett specialtecken, till exempel ! eller #.
password-rule-personal = Lösenordet får inte innehålla ditt namn eller din e-postadress.
password-rule-common = Lösenordet är för vanligt och lätt att gissa. Välj ett annat.
password-rule-reused = Du har använt det här lösenordet nyligen. Välj ett lösenord som inte är samma som något av dina { $count } senaste lösenord.

## Registration
register-title = Skapa konto
register-subtitle = Fyll i dina uppgifter. Din e-postadress blir ditt användarnamn.
register-subtitle-studio = Skapa ditt konto för { $studio }. Din e-postadress blir ditt användarnamn.
register-email-hint = Vi skickar en bekräftelselänk till den här adressen.
register-submit = Skapa konto
register-have-account = Har du redan ett konto? Logga in.
register-closed = Det går inte att registrera sig här. Be organisationen som bjöd in dig om ett konto.
register-check-email-title = Kontrollera din e-post
register-check-email-body = Vi har skickat ett meddelande till { $email }. Öppna länken i meddelandet för att bekräfta din adress och slutföra registreringen. Om du inte hittar meddelandet kan du kontrollera skräppostmappen.
register-confirmed-title = Din e-postadress är bekräftad
register-confirmed-body = Ditt konto är klart. Du kan nu logga in.
register-awaiting-title = Din e-postadress är bekräftad
register-awaiting-body = Din registrering väntar nu på godkännande av studions administratör. Vi meddelar dig via e-post så snart den har godkänts.
register-confirm-title = Bekräfta din e-postadress
register-confirm-intro = Tryck på knappen för att bekräfta din e-postadress och slutföra skapandet av ditt konto.
register-confirm-submit = Bekräfta min e-postadress
link-invalid-title = Länken är inte längre giltig
link-invalid-body = Länken har redan använts eller har gått ut. Börja om för att få en ny länk.

## Activation
activate-title = Aktivera ditt konto
activate-intro = Välj ett lösenord för att aktivera ditt konto. Du kan också korrigera din e-postadress och lägga till ett telefonnummer som kan användas för att återställa lösenordet.
activate-username = Ditt användarnamn: { $username }
activate-email-hint = Om du ändrar adressen skickar vi en kod till den nya adressen för att bekräfta den.
activate-submit = Aktivera konto
activate-done-title = Ditt konto är aktiverat
activate-done-body = Du kan nu logga in med ditt användarnamn och ditt nya lösenord.
activate-done-confirm-email = Vi har skickat en kod till { $email }. Logga in och ange koden på sidan Mitt konto för att bekräfta den nya adressen.

## Forgotten password and user name
forgot-password-title = Återställ lösenord
forgot-password-intro = Ange din e-postadress, eller ditt användarnamn och licensnummer i formatet användarnamn@licensnummer, och välj hur du vill få återställningskoden.
forgot-password-identifier = E-post eller användarnamn@licensnummer
forgot-password-channel = Skicka koden via
forgot-password-by-email = E-post
forgot-password-by-sms = Sms
forgot-password-submit = Skicka
forgot-spam-hint = Om du inte får meddelandet kan du kontrollera skräppostmappen.
forgot-password-code-title = Ange koden
forgot-password-code-intro-email = Om det finns ett matchande konto har vi skickat en sexsiffrig kod och en återställningslänk till kontots e-postadress. Ange koden här eller öppna länken.
forgot-password-code-intro-sms = Om det finns ett matchande konto med ett verifierat telefonnummer har vi skickat en sexsiffrig kod till numret via sms.
reset-title = Välj ett nytt lösenord
reset-intro = När du byter lösenord loggas du ut överallt, även från appar i din telefon.
reset-submit = Byt lösenord
reset-done-title = Ditt lösenord har ändrats
reset-done-body = Du har loggats ut överallt. Logga in med ditt nya lösenord.
forgot-username-title = Glömt användarnamnet?
forgot-username-intro = Ange den e-postadress eller det telefonnummer som är kopplat till ditt konto, så skickar vi dina användarnamn till dig.
forgot-username-contact = E-post eller telefonnummer
forgot-username-sent-title = Kontrollera dina meddelanden
forgot-username-sent-body = Om e-postadressen eller telefonnumret är kopplat till ett konto har vi skickat användarnamnen dit.

## Codes
code-label = Kod
code-submit = Bekräfta
code-start-over = Skicka en ny kod
code-error-wrong = Koden är felaktig. Kontrollera den och försök igen.
code-error-expired = Koden har gått ut eller har redan använts. Begär en ny kod.
code-error-too-many = För många felaktiga koder. Begär en ny kod.
code-error-too-many-sent = För många koder har skickats till den här adressen på kort tid. Försök igen om en timme.
code-error-too-many-today = Du har begärt för många koder i dag. Försök igen i morgon.

## Account page additions
account-profile = Profil
account-save = Spara
account-unverified = ej verifierad
account-no-phone = Inget telefonnummer har lagts till ännu.
account-new-email = Ny e-postadress
account-new-phone = Nytt telefonnummer
account-send-code = Skicka bekräftelsekod
account-language = Språk
account-email-code-title = Bekräfta din nya e-postadress
account-email-code-intro = Vi har skickat en sexsiffrig kod till den nya adressen. Ändringen träder i kraft när du anger koden.
account-phone-code-title = Bekräfta ditt telefonnummer
account-phone-code-intro = Vi har skickat en sexsiffrig kod till telefonnumret via sms.
account-notice-profile-saved = Din profil har sparats.
account-notice-email-changed = Din e-postadress har ändrats.
account-notice-phone-changed = Ditt telefonnummer har bekräftats.
account-notice-language-saved = Ditt språkval har sparats.
account-notice-code-sent = Vi har skickat en bekräftelsekod. Ange den nedan för att slutföra ändringen.
account-pending-code = Ange koden som vi skickade till { $target }

## Expired password
expired-title = Ditt lösenord har gått ut
expired-intro = Din organisation kräver att lösenordet byts med jämna mellanrum. Välj ett nytt lösenord för att fortsätta.

## Closing and reopening
close-title = Avsluta mitt konto
close-warning = När du avslutar ditt konto loggas du ut överallt och alla applikationer kopplas bort. Om du loggar in igen inom { $days } dagar öppnas ditt konto på nytt. Därefter raderas alla dina uppgifter permanent och kan inte återställas.
close-acknowledge = Jag har läst varningarna ovan noggrant och godkänner dem.
close-submit = Radera mitt konto och alla mina uppgifter
close-error-acknowledge = Markera rutan för att bekräfta att du har läst varningarna.
closed-title = Ditt konto är avslutat
closed-body = Ditt konto har avslutats och du har loggats ut. Du kan öppna det igen genom att logga in inom { $days } dagar.
reactivate-title = Vill du öppna ditt konto igen?
reactivate-body = Ditt konto är avslutat och raderas permanent den { $date }. Vill du öppna det igen? Applikationer som du har använt måste i så fall anslutas på nytt.
reactivate-confirm = Öppna mitt konto igen
reactivate-cancel = Låt kontot vara avslutat

## Studio admin: approvals
members-pending = Väntar på godkännande
members-approve = Godkänn
members-notice-approved = Registreringen har godkänts och användaren har meddelats.

## Two-step verification
factor-totp = Autentiseringsapp
factor-passkey = Passkey
factor-email_otp = Kod via e-post
factor-sms_otp = Kod via sms
factor-recovery_code = Återställningskod
mfa-title = Tvåstegsverifiering
mfa-subtitle = Lösenordet stämde. Bekräfta nu att det är du med ditt andra steg.
mfa-subtitle-step-up = Den här applikationen ber dig bekräfta att det är du med ditt andra steg.
mfa-label-totp = Sexsiffrig kod från din autentiseringsapp
mfa-label-recovery = En av dina återställningskoder
mfa-label-sent = Sexsiffrig kod som vi har skickat till { $target }
mfa-intro-passkey = Använd passkeyn på den här enheten eller din säkerhetsnyckel. Enheten kan be om fingeravtryck, ansiktsigenkänning eller pinkod.
mfa-use-passkey = Använd min passkey
mfa-remember-device = Fråga inte igen på den här enheten under { $days } dagar
mfa-remember-device-hint = Välj bara detta på en enhet som endast du använder.
mfa-send-again = Skicka en ny kod
mfa-other-methods = Använd en annan metod
mfa-lost-factor = Kommer du inte åt din autentiseringsmetod?
mfa-code-sent = Vi har skickat en sexsiffrig kod till { $target }.
mfa-error-wrong-code = Koden är felaktig. Kontrollera den och försök igen.
mfa-error-code-expired = Koden har gått ut eller har redan använts. Skicka en ny kod.
mfa-error-no-target = Det finns ingen bekräftad e-postadress eller något bekräftat telefonnummer att skicka en kod till.
mfa-error-passkey = Det gick inte att använda passkeyn. Försök igen eller använd en annan metod.
mfa-setup-title = Ställ in tvåstegsverifiering
mfa-setup-intro = Din organisation kräver ett andra steg när du loggar in. Välj hur du vill bekräfta att det är du. Du kan lägga till fler metoder senare på sidan Mitt konto.
mfa-help-title = Kommer du inte åt din autentiseringsmetod?
mfa-help-intro = Om du har tappat bort din telefon eller säkerhetsnyckel kan en administratör i din studio stänga av tvåstegsverifieringen åt dig. Då kan du logga in med ditt lösenord och ställa in den igen.
mfa-help-recovery = Om du har sparat dina återställningskoder kan du använda en av dem i stället.
mfa-help-submit = Be min studios administratörer om hjälp
mfa-use-recovery = Använd en återställningskod
mfa-help-sent-title = Din begäran har skickats
mfa-help-sent = Om ditt konto hör till en studio har studions administratörer ombetts att hjälpa dig, och de kommer att kontakta dig. Om du inte hör något från dem kan du kontakta din organisations support.
mfa-help-back = Tillbaka till inloggningen
mfa-none-usable = Ingen av dina metoder för tvåstegsverifiering kan användas just nu, så du kan inte slutföra inloggningen här. Be administratörerna för din studio om hjälp nedan, eller kontakta din organisations support.
passkey-unsupported = Den här webbläsaren har inte stöd för passkeys. Använd en annan metod eller en annan webbläsare.
login-with-passkey = Logga in med passkey
login-error-passkey = Det gick inte att logga in med passkeyn. Försök igen eller logga in med ditt lösenord.
totp-title = Ställ in din autentiseringsapp
totp-step-install = Installera en autentiseringsapp i din telefon, till exempel Google Authenticator eller Microsoft Authenticator.
totp-step-scan = Lägg till ett konto i appen och skanna den här QR-koden.
totp-step-code = Ange den sexsiffriga kod som appen visar. Gör det inom { $minutes } minuter.
totp-qr-alt = QR-kod för att lägga till det här kontot i din autentiseringsapp
totp-manual = Går det inte att skanna koden? Ange i stället den här nyckeln i appen:
totp-open-app = Öppna i autentiseringsappen på den här enheten
totp-confirm = Aktivera
recovery-title = Återställningskoder
recovery-intro = Förvara koderna på ett säkert ställe, till exempel utskrivna eller i en lösenordshanterare. Med varje kod kan du logga in en gång om du förlorar åtkomsten till ditt andra steg.
recovery-once = Koderna visas bara nu. Du kan när som helst skapa nya koder på sidan Mitt konto.
recovery-continue = Jag har sparat mina koder
security-title = Tvåstegsverifiering
security-intro = Med ett andra steg efter lösenordet är ditt konto skyddat även om någon får reda på ditt lösenord.
security-required = Din organisation kräver tvåstegsverifiering. Lägg till en metod nu.
security-locked = Om du vill ändra de här inställningarna måste du först bekräfta att det är du med ditt andra steg.
security-unlock = Bekräfta att det är jag
security-your-factors = Dina metoder
security-none = Du har inte ställt in tvåstegsverifiering ännu.
security-added = Tillagd { $when }
security-rename = Byt namn
security-new-name = Nytt namn
security-recovery-left = Oanvända återställningskoder kvar: { $count }.
security-new-recovery-codes = Skapa nya återställningskoder
security-add = Lägg till en metod
security-hint-totp = Koder från en app i din telefon. Fungerar utan nätverksanslutning.
security-hint-passkey = Fingeravtryck, ansiktsigenkänning, skärmlås eller en säkerhetsnyckel. Med en passkey kan du också logga in utan lösenord.
security-hint-code = En kod skickas till { $target } varje gång du loggar in.
security-add-totp = Ställ in en autentiseringsapp
security-add-passkey = Skapa en passkey
security-add-code = Skicka en kod för att bekräfta
security-passkey-name = Namn på passkeyn (valfritt)
security-passkey-name-example = Till exempel: jobbdatorn
security-code-setup-intro = Vi har skickat en sexsiffrig kod till { $target }. Ange koden för att aktivera metoden.
security-notice-factor-added = Metoden har lagts till.
security-notice-factor-removed = Metoden har tagits bort.
security-notice-factor-renamed = Namnet har sparats.
security-notice-last-required = Din organisation kräver tvåstegsverifiering, så du kan inte ta bort din sista metod. Lägg först till en annan metod.
security-throttled-title = Vänta en stund
security-lapsed-title = Tiden tog slut
security-lapsed = Inställningen slutfördes inte i tid, eller så har koden redan använts. Börja om.
security-start-again = Börja om
security-passkey-refused-title = Passkeyn lades inte till
security-passkey-refused = Det gick inte att skapa passkeyn, eller så är den redan registrerad. Försök igen.
security-back = Tillbaka till Mitt konto
account-mfa-on = Tvåstegsverifiering är aktiverad.
account-mfa-off = Tvåstegsverifiering är inte aktiverad.
account-manage-security = Inställningar för tvåstegsverifiering
members-mfa-on = Tvåstegsverifiering aktiverad
members-mfa-off = Tvåstegsverifiering inaktiverad
members-reset-reason = Anledning (sparas i granskningsloggen och skickas till medlemmen)
members-reset-mfa = Stäng av tvåstegsverifiering
members-reset-reason-required = Ange en anledning till att medlemmens tvåstegsverifiering stängs av.
members-notice-mfa-reset = Tvåstegsverifieringen har stängts av och medlemmen har meddelats.
members-reset-shared-member = Den här medlemmen tillhör också en annan studio som bara låter sina egna medlemmar få tvåstegsverifieringen återställd. Be din organisations administratörer att göra det.
members-reset-too-many = Den här studion har redan i dag stängt av tvåstegsverifieringen för så många medlemmar som den får. Försök igen i morgon eller be din organisations administratörer.

## E-mail and SMS messages
mail-greeting = Hej,
mail-greeting-name = Hej { $name },
mail-footer = Det här meddelandet skickades av { $product }. Om du inte väntade dig det kan du bortse från det. Ingenting ändras om du inte själv vidtar någon åtgärd.
mail-confirm_registration-subject = Bekräfta din e-postadress
mail-confirm_registration-body = Tack för att du har registrerat dig hos { $product }. Bekräfta din e-postadress för att slutföra registreringen av ditt konto. Länken är giltig i { $days } dagar.
mail-confirm_registration-action = Bekräfta min e-postadress
mail-already_registered-subject = Du har redan ett konto
mail-already_registered-body = Någon försökte skapa ett konto eller använda den här e-postadressen hos { $product }, men det finns redan ett konto med den här adressen. Om det var du kan du logga in, eller återställa ditt lösenord om du har glömt det. Om det inte var du behöver du inte göra något.
mail-already_registered-action = Återställ mitt lösenord
mail-registration_approved-subject = Din registrering har godkänts
mail-registration_approved-body = Din registrering hos { $studio } har godkänts. Du kan nu logga in.
mail-registration_approved-action = Logga in
mail-activation-subject = Aktivera ditt konto
mail-activation-body =
    Ett konto har skapats åt dig. Ditt användarnamn är: { $username }

    Öppna länken för att välja ditt lösenord. Där kan du också kontrollera din e-postadress och lägga till ett telefonnummer. Länken är giltig i { $days } dagar.
mail-activation-action = Aktivera mitt konto
mail-password_reset-subject = Återställ ditt lösenord
mail-password_reset-body =
    Vi har fått en begäran om att återställa ditt lösenord. Ange den här koden på återställningssidan eller öppna länken nedan. Koden är giltig i { $minutes } minuter.

    Om du inte har begärt att få återställa ditt lösenord kan du bortse från det här meddelandet. Ditt lösenord förblir oförändrat.
mail-password_reset-action = Välj ett nytt lösenord
mail-password_changed-subject = Ditt lösenord har ändrats
mail-password_changed-body = Lösenordet till ditt konto har just ändrats och du har loggats ut från dina andra enheter och appar. Om det inte var du som ändrade det ska du genast återställa lösenordet och kontakta supporten.
mail-usernames-subject = Dina användarnamn
mail-usernames-body =
    Följande användarnamn är kopplade till den här adressen:

    { $usernames }
mail-usernames-action = Logga in
mail-email_change_code-subject = Bekräfta din nya e-postadress
mail-email_change_code-body = Ange den här koden på sidan Mitt konto för att bekräfta din nya e-postadress. Koden är giltig i { $minutes } minuter.
mail-email_changed-subject = Din e-postadress har ändrats
mail-email_changed-body = E-postadressen för ditt konto har ändrats till { $email }. Om det inte var du som ändrade den kan du ångra ändringen med knappen nedan inom 72 timmar: du loggas ut överallt och kan sedan välja ett nytt lösenord.
mail-account_closed-subject = Ditt konto har avslutats
mail-account_closed-body = Ditt konto har avslutats. Om du loggar in igen inom { $days } dagar öppnas det på nytt. Därefter raderas dina uppgifter permanent.
mail-account_reactivated-subject = Ditt konto har öppnats igen
mail-account_reactivated-body = Välkommen tillbaka! Ditt konto har öppnats igen. Applikationer som du har använt tidigare måste anslutas på nytt.
sms-password_reset_sms = Din kod för att återställa lösenordet i { $product } är { $code }. Koden gäller i { $minutes } minuter. Dela inte koden med någon.
sms-usernames_sms = Dina användarnamn i { $product }: { $usernames }
sms-phone_code = Din bekräftelsekod för { $product } är { $code }. Koden gäller i { $minutes } minuter.
mail-mfa_code-subject = Din inloggningskod
mail-mfa_code-body = Här nedan finns koden för att slutföra inloggningen. Den är giltig i { $minutes } minuter. Om det inte var du som försökte logga in kan någon känna till ditt lösenord: byt det genast.
mail-mfa_added-subject = En inloggningsmetod har lagts till i ditt konto
mail-mfa_added-body = En metod har lagts till i tvåstegsverifieringen för ditt konto: { $factor }. Om det inte var du som gjorde ändringen ska du genast byta lösenord och kontakta supporten.
mail-mfa_added-action = Granska dina inloggningsmetoder
mail-mfa_removed-subject = En inloggningsmetod har tagits bort från ditt konto
mail-mfa_removed-body = En metod har tagits bort från tvåstegsverifieringen för ditt konto: { $factor }. Om det inte var du som gjorde ändringen ska du genast byta lösenord och kontakta supporten.
mail-mfa_removed-action = Granska dina inloggningsmetoder
mail-mfa_reset-subject = Tvåstegsverifieringen har stängts av
mail-mfa_reset-body =
    En administratör har stängt av tvåstegsverifieringen för ditt konto. Angiven anledning: { $reason }

    Logga in med ditt lösenord och ställ in tvåstegsverifiering igen. Om du inte har bett om detta ska du genast kontakta supporten.
mail-mfa_reset-action = Ställ in den igen
mail-mfa_help_request-subject = En medlem ber om hjälp med tvåstegsverifiering
mail-mfa_help_request-body = { $member } kan inte slutföra tvåstegsverifieringen för { $studio } och ber om hjälp. Kontrollera att begäran verkligen kommer från medlemmen och stäng sedan av medlemmens tvåstegsverifiering på medlemssidan. Därefter kan medlemmen ställa in den igen.
mail-mfa_help_request-action = Öppna medlemssidan
mail-recovery_code_used-subject = En återställningskod har använts
mail-recovery_code_used-body = En återställningskod har just använts för att logga in på ditt konto. Oanvända koder kvar: { $remaining }. Om det inte var du ska du genast byta lösenord och kontakta supporten.
mail-recovery_code_used-action = Granska dina inloggningsmetoder
mail-email_changed-action = Ångra ändringen
mail-phone_changed-subject = Ditt telefonnummer har ändrats
mail-phone_changed-body = Telefonnumret för ditt konto har ändrats till { $phone }. Om det inte var du som ändrade det ska du genast byta lösenord och kontakta supporten.
mail-mfa_reset_elsewhere-subject = Tvåstegsverifieringen för en medlem har stängts av
mail-mfa_reset_elsewhere-body = En administratör för { $acting_studio } stängde av tvåstegsverifieringen för { $member }, som också är medlem i { $studio }. Angiven orsak: { $reason }. Om det inte var väntat, kontrollera med medlemmen.
mail-registration_rejected-subject = Din registrering godkändes inte
mail-registration_rejected-body = Din registrering hos { $studio } godkändes inte, och kontot du påbörjade har raderats. Kontakta studion om du tror att detta är ett misstag.
sms-mfa_code_sms = Din inloggningskod för { $product } är { $code }. Koden gäller i { $minutes } minuter. Dela inte koden med någon.
sms-error-budget = Vi kan inte skicka sms just nu. Försök igen om en timme eller använd e-post i stället.
email-undo-title = Ångra bytet av e-postadress
email-undo-intro = E-postadressen för ditt konto har bytts från den här adressen. Om det inte var du, byt tillbaka: du loggas ut överallt och kan sedan välja ett nytt lösenord.
email-undo-submit = Byt tillbaka
email-undo-done-title = Din e-postadress är återställd
email-undo-done-body = Ditt konto använder { $email } igen, och alla sessioner och appar har loggats ut. Om det inte var du som gjorde ändringen ska du välja ett nytt lösenord nu.
reauth-title = Bekräfta att det är du
reauth-intro = Den här ändringen skyddar ditt konto, så vi behöver först kontrollera att det verkligen är du.
reauth-password = Ditt lösenord
reauth-submit = Fortsätt
reauth-code = Eller en sexsiffrig kod från din autentiseringsapp
reauth-submit-code = Fortsätt med koden
reauth-cancel = Avbryt
reauth-pending-email = Därefter skickar vi en kod till { $email }.
reauth-pending-phone = Därefter skickar vi en kod till { $phone }.
login-or = eller
login-providers = Andra sätt att logga in
login-with-provider = Fortsätt med { $provider }
login-subtitle-studio = Logga in på { $studio }
upstream-error-title = Inloggningen slutfördes inte
upstream-error-unknown = Det här inloggningssättet är inte tillgängligt.
upstream-error-not-allowed = Det här inloggningssättet erbjuds inte för den här studion.
upstream-error-expired = Inloggningen har gått ut eller redan använts. Börja om från inloggningssidan.
upstream-error-denied = Inloggningen avbröts hos leverantören, eller så nekade leverantören åtkomst.
upstream-error-unavailable = Leverantören gick inte att nå eller godtog inte vår begäran. Försök igen om en stund eller logga in på ett annat sätt.
upstream-error-invalid = Leverantörens svar klarade inte våra säkerhetskontroller och godtogs därför inte. Börja om från inloggningssidan.
upstream-error-unverified = Leverantören har inte verifierat din e-postadress. Verifiera den hos leverantören eller logga in med ditt lösenord.
upstream-error-no-account = Inget konto använder den här e-postadressen, och nya konton kan inte skapas på det här sättet här. Registrera dig först eller fråga studions administratör.
upstream-error-unusable = Det här kontot kan inte logga in just nu.
upstream-back-to-login = Tillbaka till inloggningen
upstream-link-title = Koppla din inloggning med { $provider }
upstream-link-intro = Det finns redan ett konto med { $email }. Bekräfta att kontot är ditt för att kunna logga in med { $provider } framöver.
upstream-link-password = Ditt Gatehouse-lösenord
upstream-link-send-code = Skicka en kod till min e-post i stället
upstream-link-code-sent = Vi skickade en kod till { $email }.
upstream-link-code = Koden från e-postmeddelandet
upstream-link-confirm = Koppla och logga in
upstream-link-wrong-password = Lösenordet är inte rätt.
account-linked-providers = Kopplade inloggningstjänster
account-linked-since = Kopplad { $when }
account-unlink = Koppla bort
account-no-linked-providers = Ingen inloggningstjänst är kopplad till ditt konto.
account-notice-provider-unlinked = Tjänsten är inte längre kopplad till ditt konto.
account-error-last-way-in = Det här är ditt enda sätt att logga in. Ange ett lösenord eller lägg till en nyckel innan du kopplar bort den.
mail-upstream_link-subject = Din kod för att koppla { $provider }
mail-upstream_link-body = Någon, förhoppningsvis du, bad om att logga in på ditt konto med { $provider }. Ange koden nedan för att koppla tjänsten; den gäller i { $minutes } minuter. Om det inte var du kan du bortse från meddelandet: inget ändras utan koden.
scope-address = Se din ort och ditt land
scope-gatehouse-profile = Se ditt företag, ditt handelsnamn och din befattning
account-connected-apps = Anslutna program
account-app-since = Ansluten { $since } · senast använd { $used }
account-disconnect = Ta bort åtkomst
account-no-connected-apps = Inget program har åtkomst till ditt konto.
account-notice-app-disconnected = Programmet har inte längre åtkomst till ditt konto. Det ber dig logga in igen.
login-returned-password-changed = Ditt lösenord har ändrats och du har loggats ut överallt. Logga in med ditt nya lösenord för att fortsätta.
login-returned-registered = Din e-postadress är bekräftad och ditt konto är klart. Logga in för att fortsätta.
login-returned-usernames-sent = Om e-postadressen eller telefonnumret hör till ett konto har vi skickat användarnamnen dit. Logga in för att fortsätta.
device-swap-title = Använda den här enheten i stället?
device-swap-intro = Ditt konto är redan registrerat på så många enheter som det tillåter. Du kan ersätta den enhet du använde för längst sedan med den här.
device-swap-last-used = Senast använd { $time }
device-swap-replaced = Ersätts
device-swap-consequence = Den ersatta enheten loggas ut direkt och dess appar förlorar åtkomst. För att säkerställa att det är du skickar vi en kod till din verifierade e-postadress eller telefon. Ett konto kan ersätta en enhet på det här sättet { $count } gånger i månaden.
device-swap-channel = Skicka koden
device-swap-by-email = Via e-post till { $target }
device-swap-by-sms = Via sms till { $target }
device-swap-send = Skicka koden
device-swap-resend = Skicka en ny kod
device-swap-code-intro = Vi har skickat en kod till { $target }. Ange den för att ersätta enheten.
device-swap-submit = Ersätt enheten och logga in
device-swap-no-target = Ditt konto har ingen verifierad e-postadress eller telefon att skicka en kod till. Be din studios administratör eller kundtjänst att ta bort en enhet du inte längre använder.
device-swap-monthly-limit = Det här kontot har redan ersatt en enhet { $count } gånger den här månaden. Be din studios administratör eller kundtjänst att ta bort en enhet du inte längre använder.
mail-device_swap_code-subject = Din kod för att ersätta en enhet
mail-device_swap_code-body = Någon som känner till ditt lösenord vill använda ditt konto på en ny enhet i stället för en som du registrerat tidigare. Om det är du, ange koden nedan; den gäller i { $minutes } minuter. Om det inte är du, dela inte koden och byt lösenord direkt.
sms-device_swap_code_sms = Din { $product }-kod för att ersätta en enhet är { $code }. Den går ut om { $minutes } minuter. Dela den inte.
mail-device_swapped-subject = En enhet på ditt konto ersattes
mail-device_swapped-body = Ditt konto är nu registrerat på { $new_device } i stället för { $old_device }, som har loggats ut. Om det inte var du, byt lösenord direkt och kontakta din studios administratör.
mail-device_swapped_admin-subject = En medlem ersatte en registrerad enhet
mail-device_swapped_admin-body = { $member } ersatte den registrerade enheten { $old_device } med { $new_device } för { $studio } efter att ha bekräftat en kod som skickats till medlemmens verifierade kontaktuppgifter. Om något verkar fel, kontrollera medlemmens enheter på medlemssidan.
mail-device_swapped_admin-action = Öppna medlemssidan
