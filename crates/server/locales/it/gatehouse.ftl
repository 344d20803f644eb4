# Gatehouse hosted pages: Italian (Italiano).

language-name = Italiano
language-switcher = Lingua
skip-to-content = Vai al contenuto

## Sign-in
login-title = Accedi
login-subtitle-client = per continuare su { $client }
login-subtitle = Accedi al tuo account
login-password = Password
login-remember-me = Ricordami
login-remember-me-hint = Resta connesso su questo dispositivo. Non usare questa opzione su un computer condiviso.
login-submit = Accedi
login-error-invalid = L'e-mail o la password non sono corrette.
login-error-missing = Inserisci l'e-mail e la password.
login-error-throttled = Troppi tentativi. Attendi { $seconds } secondi e riprova.
login-switch-account = Non sei tu? Usa un altro account.

## Account selection
select-title = Scegli un account
select-subtitle = per continuare su { $client }
select-continue = Continua come { $email }
select-other = Usa un altro account

## Consent
consent-title = { $client } chiede di accedere al tuo account
consent-signed-in-as = Accesso effettuato come { $email }
consent-intro = { $client } chiede di:
consent-allow = Consenti
consent-deny = Annulla
consent-footnote = Potrai cambiare idea in seguito; { $client } riceverà solo ciò che autorizzi qui.
scope-openid = Confermare la tua identità
scope-profile = Vedere il tuo nome e le informazioni di base del profilo
scope-email = Vedere il tuo indirizzo e-mail
scope-phone = Vedere il tuo numero di telefono
scope-offline_access = Restare collegato al tuo account anche quando non lo stai usando
scope-other = Usare l'autorizzazione “{ $scope }”

## Sign-out
logout-title = Esci
logout-question = Vuoi uscire da { $product }?
logout-confirm = Esci
logout-cancel = Resta connesso
logged-out-title = Disconnessione effettuata
logged-out-body = Hai effettuato la disconnessione da { $product }. Puoi chiudere questa finestra.

## Signed-in landing page
home-title = Il tuo account
home-signed-in-as = Hai effettuato l'accesso come { $email }.
home-signed-out = Non hai effettuato l'accesso.
home-sign-in = Accedi
home-sign-out = Esci

## Errors
error-title = Si è verificato un problema
error-heading-request = Impossibile completare la richiesta
error-what-now = Torna all'applicazione da cui provieni e riprova. Se il problema persiste, contatta il relativo servizio di assistenza.
error-missing-client-id = La richiesta non indica quale applicazione sta chiedendo di farti accedere.
error-unknown-client = L'applicazione da cui provieni non è registrata in { $product }.
error-missing-redirect-uri = La richiesta non indica dove tornare dopo l'accesso.
error-unregistered-redirect-uri = L'indirizzo di ritorno indicato nella richiesta non è registrato per questa applicazione, quindi non ti reindirizzeremo lì.
error-duplicated-parameter = La richiesta ripete un parametro e non può essere considerata attendibile.
error-invalid-request-object = L'applicazione ha inviato una richiesta di accesso firmata che non è stato possibile verificare. Torna all'applicazione e riprova.
error-csrf = Questo modulo è scaduto o è stato inviato da un'altra pagina. Torna indietro, ricarica la pagina e riprova.
error-flow-expired = Questa richiesta di accesso è scaduta o è già stata completata. Torna all'applicazione e ricomincia.
error-internal = Si è verificato un errore imprevisto da parte nostra. Riprova tra qualche istante.
error-unavailable = L'accesso è momentaneamente non disponibile. Riprova tra qualche istante.
error-not-found = Questa pagina non esiste.
error-bad-request = La richiesta non è valida.
error-logout-redirect = L'indirizzo a cui tornare dopo l'uscita non è registrato per questa applicazione.
error-logout-hint = La richiesta di uscita fa riferimento a un accesso che non possiamo verificare.
error-rate-limited = Troppe richieste. Attendi qualche istante e riprova.

## Sign-in names, studios and devices
login-error-malformed = Inserisci il tuo indirizzo e-mail, oppure il nome utente e il numero di licenza nel formato nomeutente@licenza.
login-error-unknown-studio = Non esiste uno studio o una licenza con questo nome. Controlla la parte dopo la @.
studio-picker-title = Scegli uno studio
studio-picker-subtitle = { $email } appartiene a più studi. Quale vuoi usare con { $client }?
studio-current = attuale
error-studio-unknown = L'applicazione ha richiesto uno studio che non esiste.
error-studio-not-member = Il tuo account non è membro dello studio a cui si riferisce questo accesso. Chiedi all'amministratore dello studio di aggiungerti oppure accedi con un altro account.
error-studio-none = Il tuo account non appartiene a nessuno studio accettato da questa applicazione, quindi non puoi utilizzarla. Chiedi l'accesso all'amministratore del tuo studio.
error-studio-fapi = Questo studio accetta accessi solo da applicazioni conformi al suo profilo di sicurezza (FAPI 2.0), e questa applicazione non lo è. Usa un'applicazione approvata dal tuo studio o chiedi al suo amministratore.
error-device-limit = Il tuo account è già registrato sul numero massimo di dispositivi consentiti, quindi non può essere usato su questo dispositivo. Chiedi all'amministratore del tuo studio o all'assistenza clienti di rimuovere un dispositivo che non usi più, poi riprova.
error-not-permitted = Non hai l'autorizzazione per eseguire questa operazione.
error-too-large = La richiesta è troppo grande. Accorcia ciò che hai scritto e riprova.

## Account page
account-title = Il tuo account
account-studio = Studio
account-studio-current = Stai lavorando in { $studio }.
account-switch-to = Passa a { $studio }
account-manage-studio = Gestisci membri e dispositivi di { $studio }
account-devices = Dispositivi
account-this-device = questo dispositivo
account-last-seen = Ultimo utilizzo: { $when }
account-remove = Rimuovi
account-sessions = Sessioni
account-this-session = questa sessione
account-started = Accesso effettuato: { $when }
account-end-session = Termina
account-change-password = Cambia password
account-current-password = Password attuale
account-new-password = Nuova password
account-confirm-password = Nuova password (conferma)
account-notice-device-removed = Il dispositivo è stato rimosso e disconnesso ovunque.
account-notice-session-ended = La sessione è stata terminata.
account-notice-studio-switched = Ora stai lavorando in un altro studio.
account-notice-password-changed = La password è stata cambiata. Le altre sessioni e app sono state disconnesse.
account-error-current-password = La password attuale non è corretta.
account-error-password-mismatch = Le nuove password non coincidono.
members-title = Membri di { $studio }
members-subtitle = Rimuovi un dispositivo che un membro non usa più: verrà disconnesso immediatamente.
members-roles = Ruoli: { $roles }
members-no-devices = Nessun dispositivo registrato.
members-back = Torna al tuo account
home-account = Il tuo account

## Sign-in links and account states
login-identifier = E-mail o nomeutente@licenza
login-forgot-password = Hai dimenticato la password?
login-forgot-username = Hai dimenticato il nome utente?
login-register = Crea un account
login-error-unconfirmed = Conferma prima il tuo indirizzo e-mail: apri il link che ti abbiamo inviato al momento della registrazione.
login-error-awaiting-approval = La tua registrazione è in attesa di approvazione da parte dell'amministratore dello studio. Ti invieremo un'e-mail quando sarà approvata.

## Form fields
field-name = Nome e cognome
field-email = E-mail
field-phone = Numero di telefono
field-phone-optional = Numero di telefono (facoltativo)
field-phone-hint = In formato internazionale, ad esempio +358 40 123 4567.
field-country = Paese
field-city = Città
field-company = Azienda
field-job-title = Qualifica
field-trade-name = Nome commerciale
field-date-of-birth = Data di nascita
field-error-required = Compila questo campo: { $field }.
field-error-too-long = Questo campo è troppo lungo: { $field }.
field-error-invalid = Questo campo contiene caratteri non consentiti: { $field }.
field-error-email = Inserisci un indirizzo e-mail valido, ad esempio nome@example.com.
field-error-phone = Inserisci il numero di telefono in formato internazionale, ad esempio +358 40 123 4567.
field-error-date = Inserisci la data di nascita nel formato AAAA-MM-GG.
field-error-password-mismatch = Le due password non coincidono.

## Password rules
password-rules-summary = Almeno { $min } caratteri.
password-rule-too-short = La password deve contenere almeno { $min } caratteri.
password-rule-too-long = La password può contenere al massimo { $max } caratteri.
password-rule-lowercase = La password deve contenere una lettera minuscola.
password-rule-uppercase = La password deve contenere una lettera maiuscola.
password-rule-digit = La password deve contenere un numero.
password-rule-symbol = La password deve contenere un carattere speciale, ad esempio ! o #.
password-rule-personal = La password non deve contenere il tuo nome o il tuo indirizzo e-mail.
password-rule-common = Questa password è troppo comune e facile da indovinare. Scegline un'altra.
password-rule-reused = Hai usato questa password di recente. Scegline una diversa dalle ultime { $count } password utilizzate.

## Registration
register-title = Crea un account
register-subtitle = Inserisci i tuoi dati. Il tuo indirizzo e-mail sarà il tuo nome utente.
register-subtitle-studio = Crea il tuo account per { $studio }. Il tuo indirizzo e-mail sarà il tuo nome utente.
register-email-hint = Invieremo un link di conferma a questo indirizzo.
register-submit = Crea account
register-have-account = Hai già un account? Accedi.
register-closed = La registrazione non è disponibile qui. Chiedi un account all'organizzazione che ti ha inviato l'invito.
register-check-email-title = Controlla la tua e-mail
register-check-email-body = Abbiamo inviato un messaggio a { $email }. Apri il link contenuto nel messaggio per confermare l'indirizzo e completare la creazione dell'account. Se non lo trovi, controlla la cartella della posta indesiderata.
register-confirmed-title = Il tuo indirizzo e-mail è confermato
register-confirmed-body = Il tuo account è pronto. Ora puoi accedere.
register-awaiting-title = Il tuo indirizzo e-mail è confermato
register-awaiting-body = La tua registrazione è ora in attesa di approvazione da parte dell'amministratore dello studio. Ti invieremo un'e-mail non appena sarà approvata.
register-confirm-title = Conferma il tuo indirizzo e-mail
register-confirm-intro = Premi il pulsante per confermare il tuo indirizzo e-mail e completare la creazione dell'account.
register-confirm-submit = Conferma il mio indirizzo e-mail
link-invalid-title = Questo link non è più valido
link-invalid-body = Il link è già stato utilizzato oppure è scaduto. Ricomincia per riceverne uno nuovo.

## Activation
activate-title = Attiva il tuo account
activate-intro = Scegli una password per attivare il tuo account. Puoi anche correggere il tuo indirizzo e-mail e aggiungere un numero di telefono per il recupero della password.
activate-username = Il tuo nome utente: { $username }
activate-email-hint = Se lo modifichi, invieremo un codice al nuovo indirizzo per confermarlo.
activate-submit = Attiva account
activate-done-title = Il tuo account è attivo
activate-done-body = Ora puoi accedere con il tuo nome utente e la nuova password.
activate-done-confirm-email = Abbiamo inviato un codice a { $email }. Accedi e inseriscilo nella pagina del tuo account per confermare il nuovo indirizzo.

## Forgotten password and user name
forgot-password-title = Reimposta la password
forgot-password-intro = Inserisci il tuo indirizzo e-mail, oppure il nome utente e la licenza nel formato nomeutente@licenza, e scegli come ricevere il codice di reimpostazione.
forgot-password-identifier = E-mail o nomeutente@licenza
forgot-password-channel = Invia il codice tramite
forgot-password-by-email = E-mail
forgot-password-by-sms = SMS
forgot-password-submit = Invia
forgot-spam-hint = Se non ricevi il messaggio, controlla la cartella della posta indesiderata.
forgot-password-code-title = Inserisci il codice
forgot-password-code-intro-email = Se esiste un account corrispondente, abbiamo inviato un codice di sei cifre e un link di reimpostazione al relativo indirizzo e-mail. Inserisci qui il codice oppure apri il link.
forgot-password-code-intro-sms = Se esiste un account corrispondente con un numero di telefono verificato, abbiamo inviato un codice di sei cifre a quel numero tramite SMS.
reset-title = Scegli una nuova password
reset-intro = La nuova password chiuderà tutte le tue sessioni, comprese quelle delle app sul telefono.
reset-submit = Cambia password
reset-done-title = La tua password è stata cambiata
reset-done-body = Tutte le tue sessioni sono state chiuse. Accedi con la nuova password.
forgot-username-title = Hai dimenticato il nome utente?
forgot-username-intro = Inserisci l'indirizzo e-mail o il numero di telefono associato al tuo account e ti invieremo i tuoi nomi utente.
forgot-username-contact = E-mail o numero di telefono
forgot-username-sent-title = Controlla i tuoi messaggi
forgot-username-sent-body = Se l'indirizzo e-mail o il numero di telefono indicato è associato a un account, abbiamo inviato i nomi utente a quel recapito.

## Codes
code-label = Codice
code-submit = Conferma
code-start-over = Invia un nuovo codice
code-error-wrong = Il codice non è corretto. Controllalo e riprova.
code-error-expired = Il codice è scaduto o è già stato utilizzato. Richiedine uno nuovo.
code-error-too-many = Troppi codici errati. Richiedine uno nuovo.
code-error-too-many-sent = Di recente sono stati inviati troppi codici a questo indirizzo. Riprova tra un'ora.
code-error-too-many-today = Hai richiesto troppi codici oggi. Riprova domani.

## Account page additions
account-profile = Profilo
account-save = Salva
account-unverified = non verificato
account-no-phone = Nessun numero di telefono inserito.
account-new-email = Nuovo indirizzo e-mail
account-new-phone = Nuovo numero di telefono
account-send-code = Invia codice di conferma
account-language = Lingua
account-email-code-title = Conferma il nuovo indirizzo e-mail
account-email-code-intro = Abbiamo inviato un codice di sei cifre al nuovo indirizzo. La modifica diventerà effettiva quando lo inserirai.
account-phone-code-title = Conferma il tuo numero di telefono
account-phone-code-intro = Abbiamo inviato un codice di sei cifre al numero di telefono tramite SMS.
account-notice-profile-saved = Il profilo è stato salvato.
account-notice-email-changed = Il tuo indirizzo e-mail è stato modificato.
account-notice-phone-changed = Il tuo numero di telefono è stato confermato.
account-notice-language-saved = La lingua è stata salvata.
account-notice-code-sent = Ti abbiamo inviato un codice di conferma. Inseriscilo qui sotto per completare la modifica.
account-pending-code = Inserisci il codice che abbiamo inviato a { $target }

## Expired password
expired-title = La tua password è scaduta
expired-intro = La tua organizzazione richiede di cambiare periodicamente la password. Scegline una nuova per continuare.

## Closing and reopening
close-title = Chiudi il mio account
close-warning = La chiusura dell'account termina tutte le tue sessioni e scollega tutte le applicazioni. Se accedi di nuovo entro { $days } giorni, l'account verrà riaperto. Trascorso questo periodo, tutti i tuoi dati verranno eliminati definitivamente e non potranno essere recuperati.
close-acknowledge = Ho letto attentamente e accetto le avvertenze riportate sopra.
close-submit = Elimina il mio account e tutti i miei dati
close-error-acknowledge = Seleziona la casella per confermare di aver letto le avvertenze.
closed-title = Il tuo account è stato chiuso
closed-body = Il tuo account è stato chiuso e la sessione è stata terminata. Puoi riaprirlo accedendo entro { $days } giorni.
reactivate-title = Riaprire il tuo account?
reactivate-body = Il tuo account è chiuso e verrà eliminato definitivamente il { $date }. Vuoi riaprirlo? Le applicazioni che usavi dovranno essere ricollegate.
reactivate-confirm = Riapri il mio account
reactivate-cancel = Lascia chiuso

## Studio admin: approvals
members-pending = In attesa di approvazione
members-approve = Approva
members-notice-approved = La registrazione è stata approvata e l'utente ne è stato informato.

## Two-step verification
factor-totp = App di autenticazione
factor-passkey = Passkey
factor-email_otp = Codice via e-mail
factor-sms_otp = Codice via SMS
factor-recovery_code = Codice di recupero
mfa-title = Verifica in due passaggi
mfa-subtitle = La password è corretta. Ora conferma la tua identità con il secondo passaggio.
mfa-subtitle-step-up = Questa applicazione ti chiede di confermare la tua identità con il secondo passaggio.
mfa-label-totp = Codice di sei cifre dell'app di autenticazione
mfa-label-recovery = Uno dei tuoi codici di recupero
mfa-label-sent = Codice di sei cifre che abbiamo inviato a { $target }
mfa-intro-passkey = Usa la passkey salvata su questo dispositivo o la tua chiave di sicurezza. Il dispositivo potrebbe chiederti l'impronta digitale, il riconoscimento del volto o il PIN.
mfa-use-passkey = Usa la mia passkey
mfa-remember-device = Non chiedere più su questo dispositivo per { $days } giorni
mfa-remember-device-hint = Solo su un dispositivo che usi esclusivamente tu.
mfa-send-again = Invia un nuovo codice
mfa-other-methods = Usa un altro metodo
mfa-lost-factor = Non hai accesso al tuo metodo di autenticazione?
mfa-code-sent = Abbiamo inviato un codice di sei cifre a { $target }.
mfa-error-wrong-code = Il codice non è corretto. Controllalo e riprova.
mfa-error-code-expired = Il codice è scaduto o è già stato utilizzato. Richiedine uno nuovo.
mfa-error-no-target = Non c'è alcun indirizzo e-mail o numero di telefono confermato a cui inviare il codice.
mfa-error-passkey = Non è stato possibile usare la passkey. Riprova oppure usa un altro metodo.
mfa-setup-title = Configura la verifica in due passaggi
mfa-setup-intro = La tua organizzazione richiede un secondo passaggio per l'accesso. Scegli come vuoi confermare la tua identità; potrai aggiungere altri metodi in seguito nella pagina del tuo account.
mfa-help-title = Non hai accesso al tuo metodo di autenticazione?
mfa-help-intro = Se hai perso il telefono o la chiave di sicurezza, un amministratore del tuo studio può disattivare la verifica in due passaggi per te: potrai così accedere con la password e configurarla di nuovo.
mfa-help-recovery = Se hai conservato i codici di recupero, puoi usarne uno in alternativa.
mfa-help-submit = Chiedi aiuto agli amministratori del mio studio
mfa-use-recovery = Usa un codice di recupero
mfa-help-sent-title = La tua richiesta è stata inviata
mfa-help-sent = Se il tuo account appartiene a uno studio, abbiamo chiesto ai suoi amministratori di aiutarti e ti contatteranno. Se non ricevi notizie, contatta l'assistenza della tua organizzazione.
mfa-help-back = Torna all'accesso
mfa-none-usable = Nessuno dei tuoi metodi di verifica in due passaggi può essere usato ora, quindi non puoi completare l'accesso qui. Chiedi aiuto agli amministratori del tuo studio qui sotto o contatta l'assistenza della tua organizzazione.
passkey-unsupported = Questo browser non supporta le passkey. Usa un altro metodo o un altro browser.
login-with-passkey = Accedi con una passkey
login-error-passkey = Non è stato possibile accedere con la passkey. Riprova oppure accedi con la password.
totp-title = Configura l'app di autenticazione
totp-step-install = Installa un'app di autenticazione sul telefono, ad esempio Google Authenticator o Microsoft Authenticator.
totp-step-scan = Nell'app, aggiungi un account e scansiona questo codice QR.
totp-step-code = Inserisci il codice di sei cifre mostrato dall'app. Completa l'operazione entro { $minutes } minuti.
totp-qr-alt = Codice QR per aggiungere questo account all'app di autenticazione
totp-manual = Non riesci a scansionarlo? Inserisci invece questa chiave nell'app:
totp-open-app = Apri nell'app di autenticazione su questo dispositivo
totp-confirm = Attiva
recovery-title = Codici di recupero
recovery-intro = Conserva questi codici in un luogo sicuro, ad esempio stampati o in un gestore di password. Ciascuno ti consente di accedere una volta se perdi l'accesso al secondo passaggio.
recovery-once = Vengono mostrati solo ora. Puoi generarne di nuovi in qualsiasi momento nella pagina del tuo account.
recovery-continue = Ho salvato i miei codici
security-title = Verifica in due passaggi
security-intro = Un secondo passaggio dopo la password protegge il tuo account anche se qualcuno scopre la tua password.
security-required = La tua organizzazione richiede la verifica in due passaggi. Aggiungi subito un metodo.
security-locked = Per modificare queste impostazioni, conferma prima la tua identità con il secondo passaggio.
security-unlock = Conferma la mia identità
security-your-factors = I tuoi metodi
security-none = Non hai ancora configurato la verifica in due passaggi.
security-added = Aggiunto: { $when }
security-rename = Rinomina
security-new-name = Nuovo nome
security-recovery-left = Codici di recupero non utilizzati rimanenti: { $count }.
security-new-recovery-codes = Genera nuovi codici di recupero
security-add = Aggiungi un metodo
security-hint-totp = Codici generati da un'app sul tuo telefono. Funziona anche senza connessione di rete.
security-hint-passkey = Impronta digitale, riconoscimento del volto, blocco schermo o chiave di sicurezza. Ti consente anche di accedere senza password.
security-hint-code = Un codice inviato a { $target } a ogni accesso.
security-add-totp = Configura un'app di autenticazione
security-add-passkey = Crea una passkey
security-add-code = Invia un codice di conferma
security-passkey-name = Nome della passkey (facoltativo)
security-passkey-name-example = Ad esempio: portatile di lavoro
security-code-setup-intro = Abbiamo inviato un codice di sei cifre a { $target }. Inseriscilo per attivare questo metodo.
security-notice-factor-added = Il metodo è stato aggiunto.
security-notice-factor-removed = Il metodo è stato rimosso.
security-notice-factor-renamed = Il nome è stato salvato.
security-notice-last-required = La tua organizzazione richiede la verifica in due passaggi, quindi non puoi rimuovere il tuo ultimo metodo. Aggiungine prima un altro.
security-throttled-title = Attendi qualche istante
security-lapsed-title = Tempo scaduto
security-lapsed = La configurazione non è stata completata in tempo oppure il codice è già stato utilizzato. Ricomincia.
security-start-again = Ricomincia
security-passkey-refused-title = La passkey non è stata aggiunta
security-passkey-refused = Non è stato possibile creare la passkey oppure è già registrata. Riprova.
security-back = Torna al tuo account
account-mfa-on = La verifica in due passaggi è attiva.
account-mfa-off = La verifica in due passaggi non è attiva.
account-manage-security = Impostazioni della verifica in due passaggi
members-mfa-on = Verifica in due passaggi attiva
members-mfa-off = Verifica in due passaggi non attiva
members-reset-reason = Motivo (salvato nel registro di controllo e comunicato al membro)
members-reset-mfa = Disattiva la verifica in due passaggi
members-reset-reason-required = Indica il motivo per cui disattivi la verifica in due passaggi del membro.
members-notice-mfa-reset = La verifica in due passaggi è stata disattivata e il membro ne è stato informato.
members-reset-shared-member = Questo membro appartiene anche a un altro studio che consente di disattivare la verifica in due passaggi solo ai propri membri. Chiedi agli amministratori della tua organizzazione di farlo.
members-reset-too-many = Oggi questo studio ha già disattivato la verifica in due passaggi per il numero massimo di membri consentito. Riprova domani o chiedi agli amministratori della tua organizzazione.

## E-mail and SMS messages
mail-greeting = Buongiorno,
mail-greeting-name = Buongiorno { $name },
mail-footer = Questo messaggio è stato inviato da { $product }. Se non lo aspettavi, puoi ignorarlo: non cambierà nulla a meno che tu non intervenga.
mail-confirm_registration-subject = Conferma il tuo indirizzo e-mail
mail-confirm_registration-body = Grazie per la registrazione a { $product }. Conferma il tuo indirizzo e-mail per completare la creazione dell'account. Il link è valido per { $days } giorni.
mail-confirm_registration-action = Conferma il mio indirizzo e-mail
mail-already_registered-subject = Hai già un account
mail-already_registered-body = Qualcuno ha provato a creare un account o a usare questo indirizzo e-mail con { $product }, ma esiste già un account con questo indirizzo. Se la richiesta è partita da te, accedi oppure reimposta la password se l'hai dimenticata. In caso contrario, non devi fare nulla.
mail-already_registered-action = Reimposta la password
mail-registration_approved-subject = La tua registrazione è stata approvata
mail-registration_approved-body = La tua registrazione presso { $studio } è stata approvata. Ora puoi accedere.
mail-registration_approved-action = Accedi
mail-activation-subject = Attiva il tuo account
mail-activation-body =
    È stato creato un account per te. Il tuo nome utente è: { $username }

    Apri il link per scegliere la password. Nella stessa pagina puoi anche verificare il tuo indirizzo e-mail e aggiungere un numero di telefono. Il link è valido per { $days } giorni.
mail-activation-action = Attiva il mio account
mail-password_reset-subject = Reimposta la password
mail-password_reset-body =
    Abbiamo ricevuto una richiesta di reimpostazione della tua password. Inserisci questo codice nella pagina di reimpostazione oppure apri il link qui sotto. Il codice è valido per { $minutes } minuti.

    Se non hai richiesto la reimpostazione della password, ignora questo messaggio: la tua password resterà invariata.
mail-password_reset-action = Scegli una nuova password
mail-password_changed-subject = La tua password è stata cambiata
mail-password_changed-body = La password del tuo account è stata appena cambiata e le sessioni sugli altri dispositivi e app sono state chiuse. Se non hai effettuato tu questa modifica, reimposta subito la password e contatta l'assistenza.
mail-usernames-subject = I tuoi nomi utente
mail-usernames-body =
    Questi sono i nomi utente associati a questo indirizzo:

    { $usernames }
mail-usernames-action = Accedi
mail-email_change_code-subject = Conferma il nuovo indirizzo e-mail
mail-email_change_code-body = Inserisci questo codice nella pagina del tuo account per confermare il nuovo indirizzo e-mail. Il codice è valido per { $minutes } minuti.
mail-email_changed-subject = Il tuo indirizzo e-mail è stato modificato
mail-email_changed-body = L'indirizzo e-mail del tuo account è stato modificato in { $email }. Se non hai effettuato tu questa modifica, annullala con il pulsante qui sotto entro 72 ore: verrai disconnesso ovunque e potrai poi scegliere una nuova password.
mail-account_closed-subject = Il tuo account è stato chiuso
mail-account_closed-body = Il tuo account è stato chiuso. Se accedi di nuovo entro { $days } giorni, verrà riaperto. Trascorso questo periodo, i tuoi dati verranno eliminati definitivamente.
mail-account_reactivated-subject = Il tuo account è stato riaperto
mail-account_reactivated-body = Ti diamo il bentornato. Il tuo account è stato riaperto. Le applicazioni che usavi in precedenza dovranno essere ricollegate.
sms-password_reset_sms = Il tuo codice per reimpostare la password di { $product } è { $code }. Scade tra { $minutes } minuti. Non condividerlo con nessuno.
sms-usernames_sms = I tuoi nomi utente per { $product }: { $usernames }
sms-phone_code = Il tuo codice di conferma per { $product } è { $code }. Scade tra { $minutes } minuti.
mail-mfa_code-subject = Il tuo codice di accesso
mail-mfa_code-body = Di seguito trovi il codice per completare l'accesso. È valido per { $minutes } minuti. Se non hai provato ad accedere, qualcuno potrebbe conoscere la tua password: cambiala subito.
mail-mfa_added-subject = È stato aggiunto un metodo di accesso al tuo account
mail-mfa_added-body = Alla verifica in due passaggi del tuo account è stato aggiunto un metodo: { $factor }. Se non hai effettuato tu questa modifica, cambia subito la password e contatta l'assistenza.
mail-mfa_added-action = Controlla i tuoi metodi di accesso
mail-mfa_removed-subject = È stato rimosso un metodo di accesso dal tuo account
mail-mfa_removed-body = Dalla verifica in due passaggi del tuo account è stato rimosso un metodo: { $factor }. Se non hai effettuato tu questa modifica, cambia subito la password e contatta l'assistenza.
mail-mfa_removed-action = Controlla i tuoi metodi di accesso
mail-mfa_reset-subject = La verifica in due passaggi è stata disattivata
mail-mfa_reset-body =
    Un amministratore ha disattivato la verifica in due passaggi per il tuo account. Motivo indicato: { $reason }

    Accedi con la password e configura di nuovo la verifica in due passaggi. Se non l'hai richiesto tu, contatta subito l'assistenza.
mail-mfa_reset-action = Configurala di nuovo
mail-mfa_help_request-subject = Un membro chiede aiuto con la verifica in due passaggi
mail-mfa_help_request-body = { $member } non riesce a completare la verifica in due passaggi per { $studio } e chiede aiuto. Verifica che la richiesta provenga davvero da questa persona, quindi disattiva la sua verifica in due passaggi nella pagina dei membri; in seguito potrà configurarla di nuovo.
mail-mfa_help_request-action = Apri la pagina dei membri
mail-recovery_code_used-subject = È stato utilizzato un codice di recupero
mail-recovery_code_used-body = Un codice di recupero è stato appena utilizzato per accedere al tuo account. Codici non utilizzati rimanenti: { $remaining }. Se non hai effettuato tu l'accesso, cambia subito la password e contatta l'assistenza.
mail-recovery_code_used-action = Controlla i tuoi metodi di accesso
mail-email_changed-action = Annulla questa modifica
mail-phone_changed-subject = Il tuo numero di telefono è stato modificato
mail-phone_changed-body = Il numero di telefono del tuo account è stato modificato in { $phone }. Se non hai effettuato tu questa modifica, cambia subito la password e contatta l'assistenza.
mail-mfa_reset_elsewhere-subject = La verifica in due passaggi di un membro è stata disattivata
mail-mfa_reset_elsewhere-body = Un amministratore di { $acting_studio } ha disattivato la verifica in due passaggi per { $member }, che è anche membro di { $studio }. Motivo indicato: { $reason }. Se non era previsto, verifica con il membro.
mail-registration_rejected-subject = La tua registrazione non è stata approvata
mail-registration_rejected-body = La tua registrazione presso { $studio } non è stata approvata e l'account che avevi iniziato è stato eliminato. Se pensi che si tratti di un errore, contatta lo studio.
sms-mfa_code_sms = Il tuo codice di accesso per { $product } è { $code }. Scade tra { $minutes } minuti. Non condividerlo con nessuno.
sms-error-budget = Al momento non possiamo inviare SMS. Riprova tra un'ora oppure usa l'e-mail.
email-undo-title = Annulla il cambio di indirizzo e-mail
email-undo-intro = L'indirizzo e-mail del tuo account è stato sostituito con un altro. Se non sei stato tu, ripristinalo: verrai disconnesso ovunque e potrai poi scegliere una nuova password.
email-undo-submit = Ripristina
email-undo-done-title = Il tuo indirizzo e-mail è stato ripristinato
email-undo-done-body = Il tuo account usa di nuovo { $email } e tutte le sessioni e le app sono state disconnesse. Se non hai fatto tu la modifica, scegli subito una nuova password.
reauth-title = Conferma la tua identità
reauth-intro = Questa modifica protegge il tuo account, quindi prima dobbiamo verificare che sia davvero tu.
reauth-password = La tua password
reauth-submit = Continua
reauth-code = Oppure un codice di sei cifre dalla tua app di autenticazione
reauth-submit-code = Continua con il codice
reauth-cancel = Annulla
reauth-pending-email = Subito dopo invieremo un codice a { $email }.
reauth-pending-phone = Subito dopo invieremo un codice al numero { $phone }.
login-or = oppure
login-providers = Altri modi per accedere
login-with-provider = Continua con { $provider }
login-subtitle-studio = Accedi a { $studio }
upstream-error-title = L'accesso non è stato completato
upstream-error-unknown = Questo modo di accedere non è disponibile.
upstream-error-not-allowed = Questo modo di accedere non è offerto per questo studio.
upstream-error-expired = Questo accesso è scaduto o è già stato usato. Ricomincia dalla pagina di accesso.
upstream-error-denied = L'accesso è stato annullato presso il fornitore, oppure il fornitore ha negato l'accesso.
upstream-error-unavailable = Non è stato possibile raggiungere il fornitore o non ha accettato la nostra richiesta. Riprova tra poco o accedi in un altro modo.
upstream-error-invalid = La risposta del fornitore non ha superato i nostri controlli di sicurezza e non è stata accettata. Ricomincia dalla pagina di accesso.
upstream-error-unverified = Il fornitore non ha verificato il tuo indirizzo e-mail. Verificalo presso il fornitore o accedi con la tua password.
upstream-error-no-account = Nessun account usa questo indirizzo e-mail e qui non si possono creare nuovi account in questo modo. Registrati prima o chiedi all'amministratore del tuo studio.
upstream-error-unusable = Questo account non può accedere in questo momento.
upstream-back-to-login = Torna all'accesso
upstream-link-title = Collega l'accesso con { $provider }
upstream-link-intro = Esiste già un account con { $email }. Per accedere con { $provider } d'ora in poi, conferma che l'account è tuo.
upstream-link-password = La tua password di Gatehouse
upstream-link-send-code = Inviami invece un codice via e-mail
upstream-link-code-sent = Abbiamo inviato un codice a { $email }.
upstream-link-code = Codice dell'e-mail
upstream-link-confirm = Collega e accedi
upstream-link-wrong-password = La password non è corretta.
account-linked-providers = Servizi di accesso collegati
account-linked-since = Collegato il { $when }
account-unlink = Scollega
account-no-linked-providers = Nessun servizio di accesso è collegato al tuo account.
account-notice-provider-unlinked = Il servizio non è più collegato al tuo account.
account-error-last-way-in = Questo è il tuo unico modo di accedere. Imposta una password o aggiungi una passkey prima di scollegarlo.
mail-upstream_link-subject = Il tuo codice per collegare { $provider }
mail-upstream_link-body = Qualcuno, speriamo tu, ha chiesto di accedere al tuo account con { $provider }. Inserisci il codice qui sotto per collegarlo; è valido per { $minutes } minuti. Se non sei stato tu, ignora questo messaggio: senza il codice non cambia nulla.
scope-address = Vedere la tua città e il tuo paese
scope-gatehouse-profile = Vedere la tua azienda, la ragione sociale e la qualifica
account-connected-apps = Applicazioni collegate
account-app-since = Collegata il { $since } · ultimo uso { $used }
account-disconnect = Revoca l'accesso
account-no-connected-apps = Nessuna applicazione ha accesso al tuo account.
account-notice-app-disconnected = L'applicazione non ha più accesso al tuo account. Ti chiederà di accedere di nuovo.
login-returned-password-changed = La password è stata cambiata e sei stato disconnesso ovunque. Accedi con la nuova password per continuare.
login-returned-registered = Il tuo indirizzo e-mail è confermato e l'account è pronto. Accedi per continuare.
login-returned-usernames-sent = Se quell'indirizzo e-mail o numero di telefono è collegato a un account, vi abbiamo inviato i nomi utente. Accedi per continuare.
device-swap-title = Usare questo dispositivo al suo posto?
device-swap-intro = Il tuo account è già registrato su tutti i dispositivi consentiti. Puoi sostituire il dispositivo usato meno di recente con questo.
device-swap-last-used = Ultimo utilizzo { $time }
device-swap-replaced = Sarà sostituito
device-swap-consequence = Il dispositivo sostituito viene disconnesso subito e le sue app perdono l'accesso. Per essere certi che sia tu, inviamo un codice al tuo indirizzo e-mail o telefono verificato. Un account può sostituire un dispositivo in questo modo { $count } volte al mese.
device-swap-channel = Invia il codice
device-swap-by-email = Per e-mail a { $target }
device-swap-by-sms = Per SMS a { $target }
device-swap-send = Invia il codice
device-swap-resend = Invia un nuovo codice
device-swap-code-intro = Abbiamo inviato un codice a { $target }. Inseriscilo per sostituire il dispositivo.
device-swap-submit = Sostituisci il dispositivo e accedi
device-swap-no-target = Il tuo account non ha un indirizzo e-mail o un telefono verificato a cui inviare un codice. Chiedi all'amministratore del tuo studio o all'assistenza clienti di rimuovere un dispositivo che non usi più.
device-swap-monthly-limit = Questo account ha già sostituito un dispositivo { $count } volte questo mese. Chiedi all'amministratore del tuo studio o all'assistenza clienti di rimuovere un dispositivo che non usi più.
mail-device_swap_code-subject = Il tuo codice per sostituire un dispositivo
mail-device_swap_code-body = Qualcuno che conosce la tua password vuole usare il tuo account su un nuovo dispositivo al posto di uno registrato in precedenza. Se sei tu, inserisci il codice qui sotto; è valido per { $minutes } minuti. Se non sei tu, non condividere il codice e cambia subito la password.
sms-device_swap_code_sms = Il tuo codice { $product } per sostituire un dispositivo è { $code }. Scade tra { $minutes } minuti. Non condividerlo.
mail-device_swapped-subject = Un dispositivo del tuo account è stato sostituito
mail-device_swapped-body = Il tuo account è ora registrato su { $new_device } al posto di { $old_device }, che è stato disconnesso. Se non sei stato tu, cambia subito la password e contatta l'amministratore del tuo studio.
mail-device_swapped_admin-subject = Un membro ha sostituito un dispositivo registrato
mail-device_swapped_admin-body = { $member } ha sostituito il dispositivo registrato { $old_device } con { $new_device } per { $studio }, dopo aver confermato un codice inviato ai suoi recapiti verificati. Se ti sembra strano, controlla i dispositivi del membro nella pagina dei membri.
mail-device_swapped_admin-action = Apri la pagina dei membri
