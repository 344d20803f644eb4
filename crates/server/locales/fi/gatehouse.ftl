# Gatehouse hosted pages: Finnish (Suomi).

language-name = Suomi
language-switcher = Kieli
skip-to-content = Siirry sisältöön

## Sign-in
login-title = Kirjaudu sisään
login-subtitle-client = jatkaaksesi palveluun { $client }
login-subtitle = Kirjaudu sisään tilillesi
login-password = Salasana
login-remember-me = Muista minut
login-remember-me-hint = Pysyt kirjautuneena tällä laitteella. Älä käytä tätä valintaa yhteiskäyttöisellä tietokoneella.
login-submit = Kirjaudu sisään
login-error-invalid = Sähköpostiosoite tai salasana on väärin.
login-error-missing = Anna sähköpostiosoitteesi ja salasanasi.
login-error-throttled = Liian monta yritystä. Odota { $seconds } sekuntia ja yritä uudelleen.
login-switch-account = Väärä käyttäjä? Kirjaudu toisella tilillä.

## Account selection
select-title = Valitse tili
select-subtitle = jatkaaksesi palveluun { $client }
select-continue = Jatka käyttäjänä { $email }
select-other = Käytä toista tiliä

## Consent
consent-title = { $client } pyytää pääsyä tiliisi
consent-signed-in-as = Kirjautuneena käyttäjänä { $email }
consent-intro = { $client } pyytää lupaa:
consent-allow = Salli
consent-deny = Peruuta
consent-footnote = Voit muuttaa päätöstäsi myöhemmin. { $client } saa vain sen, minkä sallit tässä.
scope-openid = Vahvistaa henkilöllisyytesi
scope-profile = Nähdä nimesi ja profiilisi perustiedot
scope-email = Nähdä sähköpostiosoitteesi
scope-phone = Nähdä puhelinnumerosi
scope-offline_access = Säilyttää yhteyden tiliisi myös silloin, kun et käytä palvelua
scope-other = Käyttää oikeutta ”{ $scope }”

## Sign-out
logout-title = Kirjaudu ulos
logout-question = Haluatko kirjautua ulos palvelusta { $product }?
logout-confirm = Kirjaudu ulos
logout-cancel = Pysy kirjautuneena
logged-out-title = Olet kirjautunut ulos
logged-out-body = Olet kirjautunut ulos palvelusta { $product }. Voit nyt sulkea tämän ikkunan.

## Signed-in landing page
home-title = Oma tili
home-signed-in-as = Olet kirjautunut sisään käyttäjänä { $email }.
home-signed-out = Et ole kirjautunut sisään.
home-sign-in = Kirjaudu sisään
home-sign-out = Kirjaudu ulos

## Errors
error-title = Jokin meni vikaan
error-heading-request = Pyyntöä ei voida käsitellä
error-what-now = Palaa sovellukseen, josta tulit, ja yritä uudelleen. Jos ongelma toistuu, ota yhteyttä sovelluksen tukeen.
error-missing-client-id = Pyynnöstä ei käy ilmi, mikä sovellus pyytää sinua kirjautumaan.
error-unknown-client = Sovellusta, joka ohjasi sinut tänne, ei ole rekisteröity palveluun { $product }.
error-missing-redirect-uri = Pyynnöstä ei käy ilmi, minne sinut ohjataan kirjautumisen jälkeen.
error-unregistered-redirect-uri = Pyynnön paluuosoitetta ei ole rekisteröity tälle sovellukselle, joten emme ohjaa sinua sinne.
error-duplicated-parameter = Pyynnössä on sama parametri useaan kertaan, joten siihen ei voida luottaa.
error-invalid-request-object = Sovellus lähetti allekirjoitetun kirjautumispyynnön, jota ei voitu varmentaa. Palaa sovellukseen ja yritä uudelleen.
error-csrf = Lomake on vanhentunut tai se lähetettiin toiselta sivulta. Palaa edelliselle sivulle, päivitä sivu ja yritä uudelleen.
error-flow-expired = Tämä kirjautumispyyntö on vanhentunut tai se on jo käsitelty. Palaa sovellukseen ja aloita alusta.
error-internal = Järjestelmässämme tapahtui odottamaton virhe. Yritä hetken kuluttua uudelleen.
error-unavailable = Kirjautuminen ei ole hetkeen käytettävissä. Yritä hetken kuluttua uudelleen.
error-not-found = Sivua ei löydy.
error-bad-request = Pyyntö on virheellinen.
error-logout-redirect = Uloskirjautumisen jälkeistä paluuosoitetta ei ole rekisteröity tälle sovellukselle.
error-logout-hint = Uloskirjautumispyyntö viittaa kirjautumiseen, jota emme pysty vahvistamaan.
error-rate-limited = Liian monta pyyntöä. Odota hetki ja yritä uudelleen.

## Sign-in names, studios and devices
login-error-malformed = Anna sähköpostiosoitteesi tai käyttäjätunnuksesi ja lisenssinumerosi muodossa käyttäjätunnus@lisenssinumero.
login-error-unknown-studio = Tämännimistä studiota tai lisenssiä ei löydy. Tarkista @-merkin jälkeinen osa.
studio-picker-title = Valitse studio
studio-picker-subtitle = { $email } kuuluu useaan studioon. Mitä studiota haluat käyttää palvelussa { $client }?
studio-current = nykyinen
error-studio-unknown = Sovellus pyysi studiota, jota ei ole olemassa.
error-studio-not-member = Tilisi ei ole sen studion jäsen, jota tämä kirjautuminen koskee. Pyydä studion ylläpitäjää lisäämään sinut tai kirjaudu toisella tilillä.
error-studio-none = Tilisi ei kuulu yhteenkään studioon, jonka tämä sovellus hyväksyy, joten et voi käyttää sovellusta. Pyydä käyttöoikeutta studiosi ylläpitäjältä.
error-studio-fapi = Tähän studioon voi kirjautua vain sovelluksilla, jotka täyttävät sen tietoturvaprofiilin (FAPI 2.0), eikä tämä sovellus täytä sitä. Käytä studiosi hyväksymää sovellusta tai kysy studion ylläpitäjältä.
error-device-limit = Tilillesi on jo rekisteröity suurin sallittu määrä laitteita, joten sitä ei voi käyttää tällä laitteella. Pyydä studiosi ylläpitäjää tai asiakastukea poistamaan laite, jota et enää käytä, ja yritä sitten uudelleen.
error-not-permitted = Sinulla ei ole oikeutta tähän toimintoon.
error-too-large = Pyyntö on liian suuri. Lyhennä kirjoittamaasi ja yritä uudelleen.

## Account page
account-title = Oma tili
account-studio = Studio
account-studio-current = Työskentelet studiossa { $studio }.
account-switch-to = Vaihda studioon { $studio }
account-manage-studio = Hallitse studion { $studio } jäseniä ja laitteita
account-devices = Laitteet
account-this-device = tämä laite
account-last-seen = Viimeksi käytetty { $when }
account-remove = Poista
account-sessions = Istunnot
account-this-session = tämä istunto
account-started = Kirjautunut { $when }
account-end-session = Lopeta
account-change-password = Vaihda salasana
account-current-password = Nykyinen salasana
account-new-password = Uusi salasana
account-confirm-password = Uusi salasana uudelleen
account-notice-device-removed = Laite poistettiin ja kirjattiin ulos kaikkialta.
account-notice-session-ended = Istunto lopetettiin.
account-notice-studio-switched = Työskentelet nyt toisessa studiossa.
account-notice-password-changed = Salasanasi vaihdettiin. Muut istunnot ja sovellukset on kirjattu ulos.
account-error-current-password = Nykyinen salasana on väärin.
account-error-password-mismatch = Uudet salasanat eivät täsmää.
members-title = Studion { $studio } jäsenet
members-subtitle = Poista laite, jota jäsen ei enää käytä. Laite kirjataan heti ulos.
members-roles = Roolit: { $roles }
members-no-devices = Ei rekisteröityjä laitteita.
members-back = Takaisin omalle tilille
home-account = Oma tili

## Sign-in links and account states
login-identifier = Sähköposti tai käyttäjätunnus@lisenssinumero
login-forgot-password = Unohtuiko salasana?
login-forgot-username = Unohtuiko käyttäjätunnus?
login-register = Luo tili
login-error-unconfirmed = Vahvista ensin sähköpostiosoitteesi avaamalla linkki, jonka lähetimme sinulle rekisteröitymisen yhteydessä.
login-error-awaiting-approval = Rekisteröitymisesi odottaa studion ylläpitäjän hyväksyntää. Ilmoitamme sinulle sähköpostitse, kun se on hyväksytty.

## Form fields
field-name = Koko nimi
field-email = Sähköposti
field-phone = Puhelinnumero
field-phone-optional = Puhelinnumero (valinnainen)
field-phone-hint = Kansainvälisessä muodossa, esimerkiksi +358 40 123 4567.
field-country = Maa
field-city = Paikkakunta
field-company = Yritys
field-job-title = Tehtävänimike
field-trade-name = Toiminimi
field-date-of-birth = Syntymäaika
field-error-required = Täytä tämä kenttä: { $field }.
field-error-too-long = Kentän sisältö on liian pitkä: { $field }.
field-error-invalid = Kentässä on merkkejä, jotka eivät ole sallittuja: { $field }.
field-error-email = Anna kelvollinen sähköpostiosoite, esimerkiksi nimi@example.com.
field-error-phone = Anna puhelinnumero kansainvälisessä muodossa, esimerkiksi +358 40 123 4567.
field-error-date = Anna syntymäaika muodossa VVVV-KK-PP.
field-error-password-mismatch = Salasanat eivät täsmää.

## Password rules
password-rules-summary = Vähintään { $min } merkkiä.
password-rule-too-short = Salasanassa on oltava vähintään { $min } merkkiä.
password-rule-too-long = Salasanassa saa olla enintään { $max } merkkiä.
password-rule-lowercase = Salasanassa on oltava vähintään yksi pieni kirjain.
password-rule-uppercase = Salasanassa on oltava vähintään yksi iso kirjain.
password-rule-digit = Salasanassa on oltava vähintään yksi numero.
password-rule-symbol = Salasanassa on oltava vähintään yksi erikoismerkki, esimerkiksi ! tai #.
password-rule-personal = Salasana ei saa sisältää nimeäsi tai sähköpostiosoitettasi.
password-rule-common = Salasana on liian yleinen ja helppo arvata. Valitse toinen salasana.
password-rule-reused = Olet käyttänyt tätä salasanaa äskettäin. Uusi salasana ei saa olla sama kuin mikään { $count } edellisestä salasanastasi.

## Registration
register-title = Luo tili
register-subtitle = Täytä tietosi. Sähköpostiosoitteesi toimii käyttäjätunnuksenasi.
register-subtitle-studio = Luo tili studion { $studio } käyttöön. Sähköpostiosoitteesi toimii käyttäjätunnuksenasi.
register-email-hint = Lähetämme tähän osoitteeseen vahvistuslinkin.
register-submit = Luo tili
register-have-account = Onko sinulla jo tili? Kirjaudu sisään.
register-closed = Rekisteröityminen ei ole täällä avoinna. Pyydä tiliä organisaatiolta, joka kutsui sinut.
register-check-email-title = Tarkista sähköpostisi
register-check-email-body = Lähetimme viestin osoitteeseen { $email }. Vahvista osoitteesi ja viimeistele tilin luominen avaamalla viestissä oleva linkki. Jos et näe viestiä, tarkista roskapostikansio.
register-confirmed-title = Sähköpostiosoitteesi on vahvistettu
register-confirmed-body = Tilisi on valmis. Voit nyt kirjautua sisään.
register-awaiting-title = Sähköpostiosoitteesi on vahvistettu
register-awaiting-body = Rekisteröitymisesi odottaa nyt studion ylläpitäjän hyväksyntää. Ilmoitamme sinulle sähköpostitse heti, kun se on hyväksytty.
register-confirm-title = Vahvista sähköpostiosoitteesi
register-confirm-intro = Vahvista sähköpostiosoitteesi painikkeella ja viimeistele tilisi luominen.
register-confirm-submit = Vahvista sähköpostiosoitteeni
link-invalid-title = Linkki ei ole enää voimassa
link-invalid-body = Linkki on jo käytetty tai se on vanhentunut. Aloita alusta, niin saat uuden linkin.

## Activation
activate-title = Aktivoi tilisi
activate-intro = Aktivoi tilisi valitsemalla salasana. Voit myös korjata sähköpostiosoitteesi ja lisätä puhelinnumeron salasanan palauttamista varten.
activate-username = Käyttäjätunnuksesi: { $username }
activate-email-hint = Jos muutat osoitetta, lähetämme uuteen osoitteeseen koodin, jolla vahvistat sen.
activate-submit = Aktivoi tili
activate-done-title = Tilisi on aktivoitu
activate-done-body = Voit nyt kirjautua sisään käyttäjätunnuksellasi ja uudella salasanallasi.
activate-done-confirm-email = Lähetimme koodin osoitteeseen { $email }. Vahvista uusi osoite kirjautumalla sisään ja syöttämällä koodi Oma tili -sivulla.

## Forgotten password and user name
forgot-password-title = Palauta salasana
forgot-password-intro = Anna sähköpostiosoitteesi tai käyttäjätunnuksesi ja lisenssinumerosi muodossa käyttäjätunnus@lisenssinumero ja valitse, miten haluat vastaanottaa palautuskoodin.
forgot-password-identifier = Sähköposti tai käyttäjätunnus@lisenssinumero
forgot-password-channel = Koodin toimitustapa
forgot-password-by-email = Sähköposti
forgot-password-by-sms = Tekstiviesti (SMS)
forgot-password-submit = Lähetä
forgot-spam-hint = Jos et saa viestiä, tarkista roskapostikansio.
forgot-password-code-title = Syötä koodi
forgot-password-code-intro-email = Jos antamasi tiedot vastaavat tiliä, lähetimme tilin sähköpostiosoitteeseen kuusinumeroisen koodin ja palautuslinkin. Syötä koodi tähän tai avaa linkki.
forgot-password-code-intro-sms = Jos antamasi tiedot vastaavat tiliä ja tilillä on vahvistettu puhelinnumero, lähetimme siihen kuusinumeroisen koodin tekstiviestinä.
reset-title = Valitse uusi salasana
reset-intro = Kun vaihdat salasanan, sinut kirjataan ulos kaikkialta, myös puhelimesi sovelluksista.
reset-submit = Vaihda salasana
reset-done-title = Salasanasi on vaihdettu
reset-done-body = Sinut on kirjattu ulos kaikkialta. Kirjaudu sisään uudella salasanallasi.
forgot-username-title = Unohtuiko käyttäjätunnus?
forgot-username-intro = Anna tiliisi liitetty sähköpostiosoite tai puhelinnumero, niin lähetämme sinulle käyttäjätunnuksesi.
forgot-username-contact = Sähköposti tai puhelinnumero
forgot-username-sent-title = Tarkista viestisi
forgot-username-sent-body = Jos sähköpostiosoite tai puhelinnumero on liitetty tiliin, lähetimme käyttäjätunnukset siihen.

## Codes
code-label = Koodi
code-submit = Vahvista
code-start-over = Lähetä uusi koodi
code-error-wrong = Koodi on väärä. Tarkista koodi ja yritä uudelleen.
code-error-expired = Koodi on vanhentunut tai se on jo käytetty. Pyydä uusi koodi.
code-error-too-many = Liian monta väärää koodia. Pyydä uusi koodi.
code-error-too-many-sent = Tähän osoitteeseen on lähetetty lyhyessä ajassa liian monta koodia. Yritä uudelleen tunnin kuluttua.
code-error-too-many-today = Olet pyytänyt tänään liian monta koodia. Yritä huomenna uudelleen.

## Account page additions
account-profile = Profiili
account-save = Tallenna
account-unverified = ei vahvistettu
account-no-phone = Puhelinnumeroa ei ole vielä lisätty.
account-new-email = Uusi sähköpostiosoite
account-new-phone = Uusi puhelinnumero
account-send-code = Lähetä vahvistuskoodi
account-language = Kieli
account-email-code-title = Vahvista uusi sähköpostiosoitteesi
account-email-code-intro = Lähetimme kuusinumeroisen koodin uuteen osoitteeseen. Muutos tulee voimaan, kun syötät koodin.
account-phone-code-title = Vahvista puhelinnumerosi
account-phone-code-intro = Lähetimme kuusinumeroisen koodin puhelinnumeroon tekstiviestinä.
account-notice-profile-saved = Profiilisi tallennettiin.
account-notice-email-changed = Sähköpostiosoitteesi vaihdettiin.
account-notice-phone-changed = Puhelinnumerosi vahvistettiin.
account-notice-language-saved = Kielivalintasi tallennettiin.
account-notice-code-sent = Lähetimme vahvistuskoodin. Anna se alla, niin muutos tulee voimaan.
account-pending-code = Anna vahvistuskoodi, jonka lähetimme: { $target }

## Expired password
expired-title = Salasanasi on vanhentunut
expired-intro = Organisaatiosi edellyttää, että salasana vaihdetaan säännöllisesti. Jatka valitsemalla uusi salasana.

## Closing and reopening
close-title = Sulje tilini
close-warning = Kun suljet tilisi, sinut kirjataan ulos kaikkialta ja kaikkien sovellusten yhteys tiliisi katkaistaan. Jos kirjaudut uudelleen sisään { $days } päivän kuluessa, tilisi avataan uudelleen. Sen jälkeen kaikki tietosi poistetaan pysyvästi, eikä niitä voi palauttaa.
close-acknowledge = Olen lukenut yllä olevat varoitukset huolellisesti ja hyväksyn ne.
close-submit = Poista tilini ja kaikki tietoni
close-error-acknowledge = Vahvista valintaruudulla, että olet lukenut varoitukset.
closed-title = Tilisi on suljettu
closed-body = Tilisi on suljettu ja sinut on kirjattu ulos. Voit avata tilin uudelleen kirjautumalla sisään { $days } päivän kuluessa.
reactivate-title = Avataanko tilisi uudelleen?
reactivate-body = Tilisi on suljettu, ja se poistetaan pysyvästi { $date }. Haluatko avata sen uudelleen? Käyttämäsi sovellukset on tällöin yhdistettävä tiliin uudelleen.
reactivate-confirm = Avaa tilini uudelleen
reactivate-cancel = Pidä tili suljettuna

## Studio admin: approvals
members-pending = Odottaa hyväksyntää
members-approve = Hyväksy
members-notice-approved = Rekisteröityminen hyväksyttiin, ja käyttäjälle on ilmoitettu asiasta.

## Two-step verification
factor-totp = Todennussovellus
factor-passkey = Pääsyavain
factor-email_otp = Koodi sähköpostitse
factor-sms_otp = Koodi tekstiviestinä
factor-recovery_code = Varakoodi
mfa-title = Kaksivaiheinen tunnistautuminen
mfa-subtitle = Salasanasi oli oikein. Vahvista vielä henkilöllisyytesi toisen vaiheen avulla.
mfa-subtitle-step-up = Tämä sovellus pyytää sinua vahvistamaan henkilöllisyytesi toisen vaiheen avulla.
mfa-label-totp = Kuusinumeroinen koodi todennussovelluksesta
mfa-label-recovery = Yksi varakoodeistasi
mfa-label-sent = Kuusinumeroinen koodi, jonka lähetimme: { $target }
mfa-intro-passkey = Käytä tällä laitteella olevaa pääsyavainta tai suojausavaintasi. Laitteesi voi pyytää sormenjälkeä, kasvojentunnistusta tai PIN-koodia.
mfa-use-passkey = Käytä pääsyavaintani
mfa-remember-device = Älä kysy tällä laitteella uudelleen { $days } päivän aikana
mfa-remember-device-hint = Valitse tämä vain laitteella, jota käytät yksin.
mfa-send-again = Lähetä uusi koodi
mfa-other-methods = Käytä toista tunnistautumistapaa
mfa-lost-factor = Etkö pääse käyttämään todennusvälinettäsi?
mfa-code-sent = Lähetimme kuusinumeroisen koodin: { $target }.
mfa-error-wrong-code = Koodi on väärä. Tarkista koodi ja yritä uudelleen.
mfa-error-code-expired = Koodi on vanhentunut tai se on jo käytetty. Lähetä uusi koodi.
mfa-error-no-target = Koodin lähettämiseen ei ole vahvistettua sähköpostiosoitetta eikä puhelinnumeroa.
mfa-error-passkey = Pääsyavainta ei voitu käyttää. Yritä uudelleen tai käytä toista tunnistautumistapaa.
mfa-setup-title = Ota kaksivaiheinen tunnistautuminen käyttöön
mfa-setup-intro = Organisaatiosi edellyttää kirjautumisessa toista vaihetta. Valitse, miten haluat vahvistaa henkilöllisyytesi. Voit lisätä muita tunnistautumistapoja myöhemmin Oma tili -sivulla.
mfa-help-title = Etkö pääse käyttämään todennusvälinettäsi?
mfa-help-intro = Jos puhelimesi tai suojausavaimesi on kadonnut, studiosi ylläpitäjä voi poistaa kaksivaiheisen tunnistautumisen käytöstä tililtäsi. Sen jälkeen voit kirjautua sisään salasanallasi ja ottaa tunnistautumisen uudelleen käyttöön.
mfa-help-recovery = Jos olet tallentanut varakoodisi, voit käyttää sen sijaan jotakin niistä.
mfa-help-submit = Pyydä apua studioni ylläpitäjiltä
mfa-use-recovery = Käytä varakoodia
mfa-help-sent-title = Pyyntösi on lähetetty
mfa-help-sent = Jos tilisi kuuluu studioon, sen ylläpitäjiä on pyydetty auttamaan sinua, ja he ottavat sinuun yhteyttä. Jos et kuule heistä, ota yhteyttä organisaatiosi tukeen.
mfa-help-back = Takaisin kirjautumiseen
mfa-none-usable = Mitään kaksivaiheisen tunnistautumisen tavoistasi ei voi nyt käyttää, joten kirjautumista ei voi viedä loppuun. Pyydä apua studiosi ylläpitäjiltä alta tai ota yhteyttä organisaatiosi tukeen.
passkey-unsupported = Tämä selain ei tue pääsyavaimia. Käytä toista tunnistautumistapaa tai toista selainta.
login-with-passkey = Kirjaudu sisään pääsyavaimella
login-error-passkey = Kirjautuminen pääsyavaimella ei onnistunut. Yritä uudelleen tai kirjaudu sisään salasanallasi.
totp-title = Ota todennussovellus käyttöön
totp-step-install = Asenna puhelimeesi todennussovellus, esimerkiksi Google Authenticator tai Microsoft Authenticator.
totp-step-scan = Lisää sovelluksessa uusi tili ja skannaa tämä QR-koodi.
totp-step-code = Syötä sovelluksen näyttämä kuusinumeroinen koodi. Tee tämä { $minutes } minuutin kuluessa.
totp-qr-alt = QR-koodi, jolla tämä tili lisätään todennussovellukseen
totp-manual = Eikö skannaus onnistu? Syötä sovellukseen sen sijaan tämä avain:
totp-open-app = Avaa tämän laitteen todennussovelluksessa
totp-confirm = Ota käyttöön
recovery-title = Varakoodit
recovery-intro = Säilytä nämä koodit turvallisessa paikassa, esimerkiksi tulosteena tai salasanojen hallintasovelluksessa. Kullakin koodilla voit kirjautua sisään kerran, jos et pääse käyttämään toista vaihetta.
recovery-once = Koodit näytetään vain nyt. Voit luoda uudet koodit milloin tahansa Oma tili -sivulla.
recovery-continue = Olen tallentanut koodit
security-title = Kaksivaiheinen tunnistautuminen
security-intro = Kun salasanan lisäksi käytetään toista vaihetta, tilisi pysyy turvassa, vaikka joku saisi salasanasi selville.
security-required = Organisaatiosi edellyttää kaksivaiheista tunnistautumista. Lisää tunnistautumistapa nyt.
security-locked = Jos haluat muuttaa näitä asetuksia, vahvista ensin henkilöllisyytesi toisen vaiheen avulla.
security-unlock = Vahvista henkilöllisyyteni
security-your-factors = Tunnistautumistapasi
security-none = Et ole vielä ottanut kaksivaiheista tunnistautumista käyttöön.
security-added = Lisätty { $when }
security-rename = Nimeä uudelleen
security-new-name = Uusi nimi
security-recovery-left = Käyttämättömiä varakoodeja jäljellä: { $count }.
security-new-recovery-codes = Luo uudet varakoodit
security-add = Lisää tunnistautumistapa
security-hint-totp = Koodit puhelimesi sovelluksesta. Toimii myös ilman verkkoyhteyttä.
security-hint-passkey = Sormenjälki, kasvojentunnistus, näytön lukitus tai suojausavain. Voit myös kirjautua sisään ilman salasanaa.
security-hint-code = Koodi lähetetään jokaisella kirjautumiskerralla: { $target }
security-add-totp = Ota todennussovellus käyttöön
security-add-passkey = Luo pääsyavain
security-add-code = Lähetä vahvistuskoodi
security-passkey-name = Pääsyavaimen nimi (valinnainen)
security-passkey-name-example = Esimerkiksi: työkannettava
security-code-setup-intro = Lähetimme kuusinumeroisen koodin: { $target }. Ota tämä tunnistautumistapa käyttöön syöttämällä koodi.
security-notice-factor-added = Tunnistautumistapa lisättiin.
security-notice-factor-removed = Tunnistautumistapa poistettiin.
security-notice-factor-renamed = Nimi tallennettiin.
security-notice-last-required = Organisaatiosi edellyttää kaksivaiheista tunnistautumista, joten et voi poistaa viimeistä tunnistautumistapaasi. Lisää ensin uusi tapa.
security-throttled-title = Odota hetki
security-lapsed-title = Aika loppui
security-lapsed = Käyttöönottoa ei viimeistelty ajoissa, tai koodi on jo käytetty. Aloita alusta.
security-start-again = Aloita alusta
security-passkey-refused-title = Pääsyavainta ei lisätty
security-passkey-refused = Pääsyavainta ei voitu luoda, tai se on jo rekisteröity. Yritä uudelleen.
security-back = Takaisin omalle tilille
account-mfa-on = Kaksivaiheinen tunnistautuminen on käytössä.
account-mfa-off = Kaksivaiheinen tunnistautuminen ei ole käytössä.
account-manage-security = Kaksivaiheisen tunnistautumisen asetukset
members-mfa-on = Kaksivaiheinen tunnistautuminen käytössä
members-mfa-off = Kaksivaiheinen tunnistautuminen pois käytöstä
members-reset-reason = Syy (tallennetaan tarkastuslokiin ja lähetetään jäsenelle)
members-reset-mfa = Poista kaksivaiheinen tunnistautuminen käytöstä
members-reset-reason-required = Kerro, miksi jäsenen kaksivaiheinen tunnistautuminen poistetaan käytöstä.
members-notice-mfa-reset = Kaksivaiheinen tunnistautuminen poistettiin käytöstä, ja jäsenelle on ilmoitettu asiasta.
members-reset-shared-member = Tämä jäsen kuuluu myös toiseen studioon, joka sallii kaksivaiheisen tunnistautumisen nollauksen vain omille jäsenilleen. Pyydä organisaatiosi ylläpitäjiä tekemään se.
members-reset-too-many = Tämä studio on jo tänään poistanut kaksivaiheisen tunnistautumisen käytöstä niin monelta jäseneltä kuin se saa. Yritä huomenna uudelleen tai pyydä organisaatiosi ylläpitäjiä.

## E-mail and SMS messages
mail-greeting = Hei,
mail-greeting-name = Hei { $name },
mail-footer = Tämän viestin lähetti { $product }. Jos et odottanut viestiä, voit jättää sen huomiotta. Mikään ei muutu, ellet itse toimi viestin perusteella.
mail-confirm_registration-subject = Vahvista sähköpostiosoitteesi
mail-confirm_registration-body = Kiitos, että rekisteröidyit palveluun { $product }. Viimeistele tilin luominen vahvistamalla sähköpostiosoitteesi. Linkki on voimassa { $days } päivää.
mail-confirm_registration-action = Vahvista sähköpostiosoitteeni
mail-already_registered-subject = Sinulla on jo tili
mail-already_registered-body = Joku yritti luoda tilin tai käyttää tätä sähköpostiosoitetta palvelussa { $product }, mutta tällä osoitteella on jo tili. Jos se olit sinä, kirjaudu sisään tai palauta salasanasi, jos olet unohtanut sen. Jos se et ollut sinä, sinun ei tarvitse tehdä mitään.
mail-already_registered-action = Palauta salasanani
mail-registration_approved-subject = Rekisteröitymisesi on hyväksytty
mail-registration_approved-body = Rekisteröitymisesi studioon { $studio } on hyväksytty. Voit nyt kirjautua sisään.
mail-registration_approved-action = Kirjaudu sisään
mail-activation-subject = Aktivoi tilisi
mail-activation-body =
    Sinulle on luotu tili. Käyttäjätunnuksesi on: { $username }

    Valitse salasanasi avaamalla linkki. Voit samalla tarkistaa sähköpostiosoitteesi ja lisätä puhelinnumeron. Linkki on voimassa { $days } päivää.
mail-activation-action = Aktivoi tilini
mail-password_reset-subject = Palauta salasanasi
mail-password_reset-body =
    Saimme pyynnön salasanasi palauttamiseksi. Syötä tämä koodi palautussivulle tai avaa alla oleva linkki. Koodi on voimassa { $minutes } minuuttia.

    Jos et pyytänyt salasanan palauttamista, voit jättää tämän viestin huomiotta. Salasanasi pysyy ennallaan.
mail-password_reset-action = Valitse uusi salasana
mail-password_changed-subject = Salasanasi vaihdettiin
mail-password_changed-body = Tilisi salasana vaihdettiin juuri, ja sinut on kirjattu ulos muilta laitteilta ja sovelluksista. Jos et tehnyt muutosta itse, palauta salasanasi heti ja ota yhteyttä tukeen.
mail-usernames-subject = Käyttäjätunnuksesi
mail-usernames-body =
    Tähän osoitteeseen on liitetty seuraavat käyttäjätunnukset:

    { $usernames }
mail-usernames-action = Kirjaudu sisään
mail-email_change_code-subject = Vahvista uusi sähköpostiosoitteesi
mail-email_change_code-body = Vahvista uusi sähköpostiosoitteesi syöttämällä tämä koodi Oma tili -sivulla. Koodi on voimassa { $minutes } minuuttia.
mail-email_changed-subject = Sähköpostiosoitteesi vaihdettiin
mail-email_changed-body = Tilisi sähköpostiosoitteeksi vaihdettiin { $email }. Jos et tehnyt muutosta itse, peru se alla olevalla painikkeella 72 tunnin kuluessa: sinut kirjataan ulos kaikkialta, minkä jälkeen voit valita uuden salasanan.
mail-account_closed-subject = Tilisi on suljettu
mail-account_closed-body = Tilisi on suljettu. Jos kirjaudut uudelleen sisään { $days } päivän kuluessa, tili avataan uudelleen. Sen jälkeen tietosi poistetaan pysyvästi.
mail-account_reactivated-subject = Tilisi on avattu uudelleen
mail-account_reactivated-body = Tervetuloa takaisin! Tilisi on avattu uudelleen. Aiemmin käyttämäsi sovellukset on yhdistettävä tiliin uudelleen.
sms-password_reset_sms = Palvelun { $product } salasanan palautuskoodisi on { $code }. Koodi vanhenee { $minutes } minuutin kuluttua. Älä kerro koodia kenellekään.
sms-usernames_sms = Käyttäjätunnuksesi palvelussa { $product }: { $usernames }
sms-phone_code = Palvelun { $product } vahvistuskoodisi on { $code }. Koodi vanhenee { $minutes } minuutin kuluttua.
mail-mfa_code-subject = Kirjautumiskoodisi
mail-mfa_code-body = Alla on koodi, jolla viimeistelet kirjautumisen. Koodi on voimassa { $minutes } minuuttia. Jos et yrittänyt kirjautua sisään, joku saattaa tietää salasanasi: vaihda se heti.
mail-mfa_added-subject = Tiliisi lisättiin tunnistautumistapa
mail-mfa_added-body = Tilisi kaksivaiheiseen tunnistautumiseen lisättiin tunnistautumistapa: { $factor }. Jos et tehnyt muutosta itse, vaihda salasanasi heti ja ota yhteyttä tukeen.
mail-mfa_added-action = Tarkista tunnistautumistapasi
mail-mfa_removed-subject = Tililtäsi poistettiin tunnistautumistapa
mail-mfa_removed-body = Tilisi kaksivaiheisesta tunnistautumisesta poistettiin tunnistautumistapa: { $factor }. Jos et tehnyt muutosta itse, vaihda salasanasi heti ja ota yhteyttä tukeen.
mail-mfa_removed-action = Tarkista tunnistautumistapasi
mail-mfa_reset-subject = Kaksivaiheinen tunnistautuminen poistettiin käytöstä
mail-mfa_reset-body =
    Ylläpitäjä poisti kaksivaiheisen tunnistautumisen käytöstä tililtäsi. Ilmoitettu syy: { $reason }

    Kirjaudu sisään salasanallasi ja ota kaksivaiheinen tunnistautuminen uudelleen käyttöön. Jos et pyytänyt tätä, ota heti yhteyttä tukeen.
mail-mfa_reset-action = Ota uudelleen käyttöön
mail-mfa_help_request-subject = Jäsen pyytää apua kaksivaiheiseen tunnistautumiseen
mail-mfa_help_request-body = Studion { $studio } jäsen { $member } ei pysty suorittamaan kaksivaiheista tunnistautumista loppuun ja pyytää apua. Varmista, että pyyntö on todella häneltä itseltään, ja poista sitten hänen kaksivaiheinen tunnistautumisensa käytöstä Jäsenet-sivulla. Sen jälkeen hän voi ottaa sen uudelleen käyttöön.
mail-mfa_help_request-action = Avaa Jäsenet-sivu
mail-recovery_code_used-subject = Varakoodia käytettiin
mail-recovery_code_used-body = Tilillesi kirjauduttiin juuri varakoodilla. Käyttämättömiä koodeja on jäljellä { $remaining }. Jos se et ollut sinä, vaihda salasanasi heti ja ota yhteyttä tukeen.
mail-recovery_code_used-action = Tarkista tunnistautumistapasi
mail-email_changed-action = Peru muutos
mail-phone_changed-subject = Puhelinnumerosi vaihdettiin
mail-phone_changed-body = Tilisi puhelinnumeroksi vaihdettiin { $phone }. Jos et tehnyt muutosta itse, vaihda salasanasi heti ja ota yhteyttä tukeen.
mail-mfa_reset_elsewhere-subject = Jäsenen kaksivaiheinen tunnistautuminen poistettiin käytöstä
mail-mfa_reset_elsewhere-body = Studion { $acting_studio } ylläpitäjä poisti kaksivaiheisen tunnistautumisen käytöstä jäseneltä { $member }, joka kuuluu myös studioon { $studio }. Annettu syy: { $reason }. Jos tätä ei odotettu, tarkista asia jäseneltä.
mail-registration_rejected-subject = Rekisteröitymistäsi ei hyväksytty
mail-registration_rejected-body = Rekisteröitymistäsi studioon { $studio } ei hyväksytty, ja aloittamasi tili on poistettu. Jos tämä on mielestäsi virhe, ota yhteyttä studioon.
sms-mfa_code_sms = Palvelun { $product } kirjautumiskoodisi on { $code }. Koodi vanhenee { $minutes } minuutin kuluttua. Älä kerro koodia kenellekään.
sms-error-budget = Emme voi juuri nyt lähettää tekstiviestejä. Yritä uudelleen tunnin kuluttua tai käytä sähköpostia.
email-undo-title = Peru sähköpostiosoitteen vaihto
email-undo-intro = Tilisi sähköpostiosoite vaihdettiin pois tästä osoitteesta. Jos et tehnyt muutosta itse, vaihda osoite takaisin: sinut kirjataan ulos kaikkialta, minkä jälkeen voit valita uuden salasanan.
email-undo-submit = Vaihda takaisin
email-undo-done-title = Sähköpostiosoitteesi on palautettu
email-undo-done-body = Tilisi käyttää taas osoitetta { $email }, ja kaikki istunnot ja sovellukset on kirjattu ulos. Jos et tehnyt muutosta itse, valitse nyt uusi salasana.
reauth-title = Vahvista henkilöllisyytesi
reauth-intro = Tämä muutos suojaa tiliäsi, joten tarkistamme ensin, että kyse on todella sinusta.
reauth-password = Salasanasi
reauth-submit = Jatka
reauth-code = Tai kuusinumeroinen koodi todennussovelluksestasi
reauth-submit-code = Jatka koodilla
reauth-cancel = Peruuta
reauth-pending-email = Sen jälkeen lähetämme koodin osoitteeseen { $email }.
reauth-pending-phone = Sen jälkeen lähetämme koodin numeroon { $phone }.
login-or = tai
login-providers = Muut kirjautumistavat
login-with-provider = Jatka palvelulla { $provider }
login-subtitle-studio = Kirjaudu: { $studio }
upstream-error-title = Kirjautuminen ei onnistunut
upstream-error-unknown = Tämä kirjautumistapa ei ole käytettävissä.
upstream-error-not-allowed = Tämä kirjautumistapa ei ole käytössä tässä studiossa.
upstream-error-expired = Kirjautuminen on vanhentunut tai jo käytetty. Aloita alusta kirjautumissivulta.
upstream-error-denied = Kirjautuminen peruttiin palveluntarjoajalla, tai palveluntarjoaja eväsi pääsyn.
upstream-error-unavailable = Palveluntarjoajaan ei saatu yhteyttä tai se ei hyväksynyt pyyntöämme. Yritä hetken päästä uudelleen tai kirjaudu toisella tavalla.
upstream-error-invalid = Palveluntarjoajan vastaus ei läpäissyt turvatarkistuksiamme, joten sitä ei hyväksytty. Aloita alusta kirjautumissivulta.
upstream-error-unverified = Palveluntarjoaja ei ole vahvistanut sähköpostiosoitettasi. Vahvista se palveluntarjoajalla tai kirjaudu salasanallasi.
upstream-error-no-account = Tällä sähköpostiosoitteella ei ole tiliä, eikä uusia tilejä voi luoda täällä tällä tavalla. Rekisteröidy ensin tai kysy studiosi ylläpitäjältä.
upstream-error-unusable = Tällä tilillä ei voi kirjautua juuri nyt.
upstream-back-to-login = Takaisin kirjautumiseen
upstream-link-title = Yhdistä { $provider } -kirjautuminen
upstream-link-intro = Osoitteella { $email } on jo tili. Jotta voit jatkossa kirjautua palvelulla { $provider }, vahvista että tili on sinun.
upstream-link-password = Gatehouse-salasanasi
upstream-link-send-code = Lähetä minulle koodi sähköpostiin
upstream-link-code-sent = Lähetimme koodin osoitteeseen { $email }.
upstream-link-code = Sähköpostin koodi
upstream-link-confirm = Yhdistä ja kirjaudu
upstream-link-wrong-password = Salasana ei ole oikein.
account-linked-providers = Yhdistetyt kirjautumispalvelut
account-linked-since = Yhdistetty { $when }
account-unlink = Poista yhdistys
account-no-linked-providers = Tiliisi ei ole yhdistetty kirjautumispalveluja.
account-notice-provider-unlinked = Palvelu ei ole enää yhdistetty tiliisi.
account-error-last-way-in = Tämä on ainoa tapasi kirjautua. Aseta salasana tai lisää pääsyavain ennen kuin poistat yhdistyksen.
mail-upstream_link-subject = Koodisi palvelun { $provider } yhdistämiseen
mail-upstream_link-body = Joku, toivottavasti sinä, pyysi kirjautumista tiliisi palvelulla { $provider }. Yhdistä palvelu alla olevalla koodilla; se on voimassa { $minutes } minuuttia. Jos tämä et ollut sinä, älä välitä viestistä: mikään ei muutu ilman koodia.
scope-address = Nähdä kaupunkisi ja maasi
scope-gatehouse-profile = Nähdä yrityksesi, toiminimesi ja tehtävänimikkeesi
account-connected-apps = Yhdistetyt sovellukset
account-app-since = Yhdistetty { $since } · viimeksi käytetty { $used }
account-disconnect = Poista käyttöoikeus
account-no-connected-apps = Millään sovelluksella ei ole pääsyä tiliisi.
account-notice-app-disconnected = Sovelluksella ei ole enää pääsyä tiliisi. Se pyytää sinua kirjautumaan uudelleen.
login-returned-password-changed = Salasanasi on vaihdettu ja sinut on kirjattu ulos kaikkialta. Jatka kirjautumalla uudella salasanalla.
login-returned-registered = Sähköpostiosoitteesi on vahvistettu ja tilisi on valmis. Jatka kirjautumalla sisään.
login-returned-usernames-sent = Jos sähköpostiosoite tai puhelinnumero on liitetty tiliin, lähetimme käyttäjätunnukset siihen. Jatka kirjautumalla sisään.
device-swap-title = Otetaanko tämä laite käyttöön?
device-swap-intro = Tilisi on jo rekisteröity niin moneen laitteeseen kuin se sallii. Voit korvata pisimpään käyttämättä olleen laitteen tällä laitteella.
device-swap-last-used = Viimeksi käytetty { $time }
device-swap-replaced = Korvataan
device-swap-consequence = Korvattu laite kirjataan heti ulos, ja sen sovellukset menettävät pääsyn. Varmistaaksemme, että kyse on sinusta, lähetämme koodin vahvistettuun sähköpostiosoitteeseesi tai puhelimeesi. Tili voi korvata laitteen näin { $count } kertaa kuukaudessa.
device-swap-channel = Lähetä koodi
device-swap-by-email = Sähköpostilla osoitteeseen { $target }
device-swap-by-sms = Tekstiviestillä numeroon { $target }
device-swap-send = Lähetä koodi
device-swap-resend = Lähetä uusi koodi
device-swap-code-intro = Lähetimme koodin kohteeseen { $target }. Syötä se korvataksesi laitteen.
device-swap-submit = Korvaa laite ja kirjaudu sisään
device-swap-no-target = Tililläsi ei ole vahvistettua sähköpostiosoitetta tai puhelinnumeroa, johon koodin voisi lähettää. Pyydä studiosi ylläpitäjää tai asiakastukea poistamaan laite, jota et enää käytä.
device-swap-monthly-limit = Tällä tilillä on jo korvattu laite { $count } kertaa tässä kuussa. Pyydä studiosi ylläpitäjää tai asiakastukea poistamaan laite, jota et enää käytä.
mail-device_swap_code-subject = Koodisi laitteen korvaamiseen
mail-device_swap_code-body = Joku, joka tietää salasanasi, haluaa käyttää tiliäsi uudella laitteella aiemmin rekisteröidyn laitteen sijaan. Jos se olet sinä, syötä alla oleva koodi; se on voimassa { $minutes } minuuttia. Jos se et ole sinä, älä kerro koodia kenellekään ja vaihda salasanasi heti.
sms-device_swap_code_sms = Palvelun { $product } koodisi laitteen korvaamiseen on { $code }. Koodi vanhenee { $minutes } minuutin kuluttua. Älä kerro koodia kenellekään.
mail-device_swapped-subject = Tilisi laite korvattiin
mail-device_swapped-body = Tilisi on nyt rekisteröity laitteeseen { $new_device } laitteen { $old_device } sijaan, ja se on kirjattu ulos. Jos et tehnyt tätä, vaihda salasanasi heti ja ota yhteyttä studiosi ylläpitäjään.
mail-device_swapped_admin-subject = Jäsen korvasi rekisteröidyn laitteen
mail-device_swapped_admin-body = { $member } korvasi studiossa { $studio } rekisteröidyn laitteen { $old_device } laitteella { $new_device } vahvistettuaan koodin, joka lähetettiin hänen vahvistettuihin yhteystietoihinsa. Jos tämä näyttää väärältä, tarkista jäsenen laitteet Jäsenet-sivulla.
mail-device_swapped_admin-action = Avaa Jäsenet-sivu
